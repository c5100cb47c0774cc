/**
 * Tests that by nature need one instance or the local-folder blob store, skipped in the pair profile only
 * (pair-setup.ts), each with its reason. `file` is relative to packages/server; `test` is the test's own name.
 */
export interface PairSkip {
  file: string;
  test: string;
  reason: string;
}

const INSTANCE_ONE_EVENTS =
  "listens on instance 1's in-process event bus while the sign-in may reach instance 2";
const LOCAL_FOLDER = 'checks files of the local-folder blob store; in this profile the blobs are in S3';

export const PAIR_SKIPS: readonly PairSkip[] = [
  {
    file: 'src/library/ingest.test.ts',
    test: 'streams the body to a staging file, then renames it into the blob store before the row is committed',
    reason: `${LOCAL_FOLDER} (the rename keeps the inode); S3 uploads are tested in server-s3.test.ts`,
  },
  {
    file: 'src/library/ingest.test.ts',
    test: 'keeps nothing of an upload the client abandons halfway',
    reason: "watches instance 1's staging folder while the upload may reach instance 2",
  },
  {
    file: 'src/trust/risk-signals.test.ts',
    test: 'flags a sign-in from Shenzhen while the phone is in use in Beijing, everywhere the owner looks',
    reason: INSTANCE_ONE_EVENTS,
  },
  {
    file: 'src/trust/risk-signals.test.ts',
    test: 'flags the first sign-in after 90 days without use, and not one after 89',
    reason: INSTANCE_ONE_EVENTS,
  },
];
