// The ModelPack config schema (model-spec v0.0.7, see README.md here) compiled once for every suite that checks a config.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

const schema = JSON.parse(readFileSync(new URL("./modelpack-config.schema.json", import.meta.url), "utf8")) as object;

/** True when `config` validates; `validateConfig.errors` says why not. */
export const validateConfig = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
