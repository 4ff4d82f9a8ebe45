import { describe, expect, it } from 'vitest';
import { FakeGitHub } from '../support/fake-github.js';

describe('the fake GitHub is strict', () => {
  it('a request it has no route for fails the test at uninstall, even if the app swallowed the error', async () => {
    const github = new FakeGitHub('acme', 'infra');
    github.install();
    const response = await fetch('https://api.github.com/repos/acme/infra/deployments').catch(
      (error: Error) => error,
    );
    expect(response).toBeInstanceOf(Error);
    expect(() => github.uninstall()).toThrow(
      'fake GitHub: requests with no route:\nGET api.github.com/repos/acme/infra/deployments',
    );
  });
});
