/** `_extends`: the file this configuration extends (src/config/extends.ts follows it). */
import { z } from 'zod';

export const extendsSchema = z
  .string()
  .describe(
    'A configuration this one extends: "<repo>", "<owner>/<repo>", "<repo>:<path>.yml" or "<owner>/<repo>:<path>.yml" (owner: this repository\'s; path: .github/driftgate.yml). Merged as Probot merges configs: objects key by key, lists concatenated (parent first), other values from this file. Followed by the app and the Action; the CLI\'s --config reads one file.',
  );
