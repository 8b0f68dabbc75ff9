// The classifier against AWS's documented wording (API reference, replication troubleshooting guide), the KMS and
// transport errors a replication can carry, and the local cloud's own StatusMessages for every fault it can inject.
import { describe, expect, it } from 'vitest';
import { classify } from '../../functions/replicas/domain/classify.ts';
import { statusMessage } from '../../local/secretsmanager/replicas.ts';

const KEY = 'alias/app';
const REGION = 'eu-west-1';

describe('replica failure classifier', () => {
  it.each([
    // AWS's documented wording
    ['Secret with this name already exists in this region', 'name-conflict'],
    ['A secret with the same name exists in the selected Region', 'name-conflict'],
    ['No permissions available on the KMS key to complete the replication', 'kms-key-denied'],
    ['The KMS key is disabled or not found', 'kms-key-disabled'],
    ['The Region is not enabled', 'region-not-enabled'],
    ['Replication failed because of a network error', 'transient'],
    // KMS's own errors as a replication quotes them
    [
      'User: arn:aws:sts::1:assumed-role/app/x is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:1:key/k',
      'kms-key-denied',
    ],
    ['AccessDeniedException: Access to KMS is not allowed', 'kms-key-denied'],
    [
      'arn:aws:kms:eu-west-1:1:key/k is pending deletion. (Service: AWSKMS; Error Code: KMSInvalidStateException)',
      'kms-key-disabled',
    ],
    ["Key 'arn:aws:kms:eu-west-1:1:key/k' does not exist", 'kms-key-missing'],
    ['Alias arn:aws:kms:eu-west-1:1:alias/app is not found.', 'kms-key-missing'],
    // Nothing specific said: worth a bounded retry
    ['An internal error occurred', 'transient'],
    ['', 'transient'],
  ])('classifies %j as %s', (message, expected) => {
    expect(classify(message)).toBe(expected);
  });

  it('classifies every StatusMessage the local cloud gives its faults as the cause injected', () => {
    expect(classify(statusMessage.nameConflict('app/db', REGION))).toBe('name-conflict');
    expect(classify(statusMessage.kmsKey(KEY, REGION))).toBe('kms-key-disabled');
    expect(classify(statusMessage.kmsKeyDisabled(KEY, REGION))).toBe('kms-key-disabled');
    expect(classify(statusMessage.kmsKeyNotFound(KEY, REGION))).toBe('kms-key-missing');
    expect(classify(statusMessage.kmsKeyNotFound('1234abcd-12ab-34cd-56ef-1234567890ab', REGION))).toBe(
      'kms-key-missing',
    );
    expect(classify(statusMessage.kmsAccessDenied(KEY, REGION))).toBe('kms-key-denied');
    expect(classify(statusMessage.regionNotEnabled('ap-east-1'))).toBe('region-not-enabled');
    expect(classify(statusMessage.transient(REGION))).toBe('transient');
    expect(classify(undefined)).toBe('transient');
  });
});
