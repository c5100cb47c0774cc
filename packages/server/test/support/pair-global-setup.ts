import type { TestProject } from 'vitest/node';
import { startTestS3 } from './s3.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoint and bucket of the run's one s3rver (pair profile); each test server takes its own prefix. */
    pairS3: { endpoint: string; bucket: string };
  }
}

/** One s3rver for the whole pair-profile run, shared by every worker. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3 = await startTestS3();
  project.provide('pairS3', { endpoint: s3.endpoint, bucket: s3.bucket });
  return () => s3.close();
}
