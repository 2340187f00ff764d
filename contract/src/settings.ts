import { z } from "zod";
import { RegistryHost } from "./reference.js";

/** `GET /settings`: never a secret, only whether one is set. */
export const SettingsResponse = z.object({
  hfToken: z.enum(["set", "unset"]),
  hfEndpoint: z.string(),
  frontendImage: z.string(),
  defaultBuilder: z.string().optional(),
  registries: z.array(z.object({ host: z.string(), username: z.string() })),
});
export type SettingsResponse = z.infer<typeof SettingsResponse>;

/** `PUT /settings/hf-token`. */
export const HfTokenRequest = z.strictObject({
  token: z
    .string()
    .min(1, "the token is empty")
    .max(1024, "the token is too long")
    .regex(/^[\x21-\x7e]+$/, "a token has no spaces or control characters"),
});
export type HfTokenRequest = z.infer<typeof HfTokenRequest>;

/** `POST /registries/login`. */
export const RegistryLoginRequest = z.strictObject({
  host: RegistryHost,
  username: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\s:\x00-\x1f]+$/, "a user name has no spaces, colons or control characters"),
  password: z.string().min(1).max(4096),
});
export type RegistryLoginRequest = z.infer<typeof RegistryLoginRequest>;
