/**
 * Reading config files from GitHub for `_extends` (src/config/extends.ts): the repository's
 * own file at a ref, a parent at its repository's default branch. A file GitHub will not
 * show (missing, or a repository the token cannot read) is undefined; a directory at the
 * path is an error naming it.
 */
import type { ConfigFileReader } from '../config/extends.js';
import { DriftgateError } from '../errors.js';

/** The one call this needs, so Probot's Octokit and `@octokit/rest` both fit. */
export interface ContentsClient {
  rest: {
    repos: {
      getContent(params: {
        owner: string;
        repo: string;
        path: string;
        ref?: string;
      }): Promise<{ data: unknown }>;
    };
  };
}

export function gitHubConfigReader(octokit: ContentsClient): ConfigFileReader {
  return async ({ owner, repo, path, ref }) => {
    let data: { type?: string; content?: string; encoding?: string };
    try {
      const response = await octokit.rest.repos.getContent({
        owner,
        repo,
        path,
        ...(ref ? { ref } : {}),
      });
      data = response.data as typeof data;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404 || status === 403) return undefined;
      throw error;
    }
    if (data.type !== 'file' || typeof data.content !== 'string')
      throw new DriftgateError('is not a file', { file: `${owner}/${repo}:${path}` });
    return Buffer.from(data.content, (data.encoding as BufferEncoding) ?? 'base64').toString(
      'utf8',
    );
  };
}
