import { afterAll } from "vitest";
import { cleanupTempDirs } from "./tempdir.ts";

afterAll(() => cleanupTempDirs());
