// DescribeSecret, GetSecretValue, BatchGetSecretValue: the reads. Reading a value stamps LastAccessedDate, per region.
import type { CallContext } from '../../protocol.ts';
import { AwsError } from '../../protocol.ts';
import { assertAllowed } from '../authorize.ts';
import type { Core } from '../core.ts';
import { invalidParameter, invalidRequest, resourceNotFound } from '../errors.ts';
import { apiCallEvent } from '../events.ts';
import { matchesAll, readFilters } from '../filters.ts';
import { createReader } from '../input.ts';
import { copiesIn, type Located, locate } from '../lookup.ts';
import { paginate } from '../pagination.ts';
import { Rule } from '../rules.ts';
import type { VersionRecord } from '../state.ts';
import { byId, byStage, hasValue, Stage } from '../versions.ts';
import { compact, dayOf, describeView, epoch } from '../views.ts';

const describeSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  read.done();
  return describeView(locate(core.state, ctx.region, secretId));
};

const pickVersion = (at: Located, versionId: string | undefined, stage: string | undefined): VersionRecord => {
  if (versionId !== undefined) {
    const version = byId(at.secret, versionId);
    if (!version || !hasValue(version)) {
      throw resourceNotFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    }
    if (stage !== undefined && !version.stages.includes(stage)) {
      throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
    }
    return version;
  }
  const label = stage ?? Stage.current;
  const version = byStage(at.secret, label);
  // Rotation's createSecret step relies on this: the AWSPENDING stub has no value until the lambda puts one.
  if (!version || !hasValue(version)) {
    throw resourceNotFound(`Secrets Manager can't find the specified secret value for staging label: ${label}`);
  }
  return version;
};

const readValueOf = (core: Core, at: Located, version: VersionRecord) => {
  const day = dayOf(core.now());
  at.secret.lastAccessedDate[at.region] = day;
  version.lastAccessedDate = day;
  // Built member by member, absent ones left out (as compact() does): every read answers through here.
  const value: Record<string, unknown> = { ARN: at.arn, Name: at.secret.name, VersionId: version.versionId };
  if (version.secretString !== undefined) value.SecretString = version.secretString;
  if (version.secretBinary !== undefined) value.SecretBinary = version.secretBinary;
  value.VersionStages = [...version.stages];
  const created = epoch(version.createdDate);
  if (created !== undefined) value.CreatedDate = created;
  return value;
};

const getSecretValue = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const versionId = read.string('VersionId', Rule.versionId);
  const stage = read.string('VersionStage', Rule.versionStage);
  read.done();
  const at = locate(core.state, ctx.region, secretId, { live: true });
  return readValueOf(core, at, pickVersion(at, versionId, stage));
};

const batchGetSecretValue = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const idList = read.list('SecretIdList', { min: 1, max: 20 });
  const ids = (idList ?? []).map((v, i) => read.stringAt(`secretIdList.${i + 1}.member`, v, Rule.secretId) ?? '');
  const filters = input.Filters === undefined ? undefined : readFilters(read);
  const maxResults = read.integer('MaxResults', { min: 1, max: 20 });
  const nextToken = read.string('NextToken', Rule.nextToken);
  read.done();
  if ((idList === undefined) === (filters === undefined)) {
    throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
  }
  if (maxResults !== undefined && filters === undefined) {
    throw invalidParameter("'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
  }

  // CloudTrail records one GetSecretValue per secret a batch returns: read-volume detection counts on it.
  const recordRead = (at: Located) =>
    core.emit(
      apiCallEvent({
        ctx,
        time: core.now(),
        input: { SecretId: at.arn },
        readOnly: true,
        responseElements: null,
        eventName: 'GetSecretValue',
      }),
    );

  if (filters !== undefined) {
    const matching = copiesIn(core.state, ctx.region)
      .filter((at) => at.secret.deletedDate === undefined && matchesAll(at, filters))
      .filter((at) => byStage(at.secret, Stage.current) !== undefined);
    const { page, nextToken: next } = paginate('BatchGetSecretValue', matching, maxResults ?? 20, nextToken);
    const values: unknown[] = [];
    const denied: unknown[] = [];
    for (const at of page) {
      try {
        assertAllowed(at, 'secretsmanager:GetSecretValue', ctx);
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        denied.push({ SecretId: at.arn, ErrorCode: error.type, Message: error.message });
        continue;
      }
      values.push(readValueOf(core, at, pickVersion(at, undefined, undefined)));
      recordRead(at);
    }
    return compact({ SecretValues: values, Errors: denied, NextToken: next });
  }

  const values: unknown[] = [];
  const errors: unknown[] = [];
  for (const secretId of ids) {
    try {
      const at = locate(core.state, ctx.region, secretId, { live: true });
      assertAllowed(at, 'secretsmanager:GetSecretValue', ctx, secretId);
      values.push(readValueOf(core, at, pickVersion(at, undefined, undefined)));
      recordRead(at);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      errors.push({ SecretId: secretId, ErrorCode: error.type, Message: error.message });
    }
  }
  return { SecretValues: values, Errors: errors };
};

export { batchGetSecretValue, describeSecret, getSecretValue };
