import { z } from "zod";

/**
 * What the host helper `model-publisher-credentials` prints (API.md › Inside Docker Desktop): the UI parses its
 * answers with these, and the tests check the shipped helper against them.
 */

/** The user name a credential helper stores an identity (OAuth refresh) token under, as docker does. */
export const identityTokenUser = "<token>";

/** One registry the host's Docker is signed in to. */
export const HostSignIn = z.object({
  /** The registry as the host's config names it (`https://index.docker.io/v1/`, `ghcr.io`, `localhost:5000`). */
  host: z.string().min(1),
  /** `<token>` when the sign-in is an identity token. */
  username: z.string().min(1),
});
export type HostSignIn = z.infer<typeof HostSignIn>;

/** `model-publisher-credentials list`: every registry the host is signed in to, never a secret. */
export const HostSignInList = z.object({ registries: z.array(HostSignIn) });
export type HostSignInList = z.infer<typeof HostSignInList>;

/** `model-publisher-credentials get <host>`: one sign-in, its secret included. */
export const HostCredential = z.object({
  /** The host as it was asked for. */
  host: z.string().min(1),
  username: z.string().min(1),
  /** The password, or the identity token when `username` is `<token>`. */
  secret: z.string().min(1),
});
export type HostCredential = z.infer<typeof HostCredential>;
