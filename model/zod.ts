/**
 * zod as every schema here uses it (`import * as z from "…/model/zod.ts"`): `zod/mini`, whose functions tree-shake
 * (~30 KB of the package is bundled; the chained API of `zod` brings all of it and every locale, +8.5 MB of RSS in each
 * process), with the English messages that `zod` sets up on import and `zod/mini` does not (without them every issue
 * reads "Invalid input").
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
