// Which CloudTrail records a trail keeps: its event selectors as CloudFormation declares them (AWS::CloudTrail::Trail
// EventSelectors: ReadWriteType, IncludeManagementEvents, ExcludeManagementEventSources), or its
// AdvancedEventSelectors read as management-event selectors (eventCategory = Management, readOnly, eventSource);
// the local emulators make no data events, so data-event selectors keep nothing. A record is kept when any selector
// keeps it; a trail without selectors keeps every management event, as CloudTrail's default does.

type ReadWriteType = 'ReadOnly' | 'WriteOnly' | 'All';

interface Selector {
  readonly readWriteType: ReadWriteType;
  /** Event sources (`kms.amazonaws.com`) whose management events the selector leaves out. */
  readonly excludedSources: readonly string[];
}

/** A trail as the stack declares it. */
interface TrailDefinition {
  readonly name: string;
  readonly bucket: string;
  /** S3KeyPrefix: the log files' keys start with `<prefix>/AWSLogs/`. */
  readonly keyPrefix?: string;
  readonly isLogging: boolean;
  /** IsMultiRegionTrail: every region's records (a log file per region), else only the home region's. */
  readonly multiRegion: boolean;
  readonly selectors: readonly Selector[];
}

/** What a selector looks at in a record. */
interface RecordFacts {
  readonly readOnly?: unknown;
  readonly eventSource?: unknown;
  readonly managementEvent?: unknown;
}

const READ_WRITE_TYPES: readonly string[] = ['ReadOnly', 'WriteOnly', 'All'];

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const isTrue = (value: unknown) => value === true || value === 'true';

/** EventSelectors: one selector each that includes management events. */
const eventSelectors = (declared: readonly unknown[], where: string): Selector[] =>
  declared.flatMap((raw) => {
    const selector = (raw ?? {}) as Record<string, unknown>;
    const type = selector.ReadWriteType ?? 'All';
    if (typeof type !== 'string' || !READ_WRITE_TYPES.includes(type)) {
      throw new Error(`${where}: ReadWriteType must be ReadOnly, WriteOnly or All`);
    }
    if (selector.IncludeManagementEvents !== undefined && !isTrue(selector.IncludeManagementEvents)) return [];
    return [{ readWriteType: type as ReadWriteType, excludedSources: strings(selector.ExcludeManagementEventSources) }];
  });

/** AdvancedEventSelectors, as far as management events go: eventCategory, readOnly and eventSource. */
const advancedSelectors = (declared: readonly unknown[]): Selector[] =>
  declared.flatMap((raw) => {
    const fields = (((raw ?? {}) as Record<string, unknown>).FieldSelectors ?? []) as Record<string, unknown>[];
    const field = (name: string) => (Array.isArray(fields) ? fields.find((f) => f?.Field === name) : undefined);
    if (!strings(field('eventCategory')?.Equals).includes('Management')) return [];
    const readOnly = strings(field('readOnly')?.Equals);
    const readWriteType: ReadWriteType =
      readOnly.length === 1 ? (readOnly[0] === 'true' ? 'ReadOnly' : 'WriteOnly') : 'All';
    return [{ readWriteType, excludedSources: strings(field('eventSource')?.NotEquals) }];
  });

/** The selectors of a trail's properties (resolved); the default when it declares none. */
const selectorsOf = (props: Record<string, unknown>, where: string): Selector[] => {
  if (Array.isArray(props.AdvancedEventSelectors)) return advancedSelectors(props.AdvancedEventSelectors);
  if (Array.isArray(props.EventSelectors)) return eventSelectors(props.EventSelectors, `${where}.EventSelectors`);
  return [{ readWriteType: 'All', excludedSources: [] }];
};

const takes = (selectors: readonly Selector[], record: RecordFacts): boolean => {
  // Only management events are made locally; a record that says it is not one has no selector here.
  if (record.managementEvent === false) return false;
  const readOnly = record.readOnly === true;
  for (const selector of selectors) {
    if (selector.readWriteType === 'ReadOnly' && !readOnly) continue;
    if (selector.readWriteType === 'WriteOnly' && readOnly) continue;
    if (selector.excludedSources.length > 0 && selector.excludedSources.includes(record.eventSource as string))
      continue;
    return true;
  }
  return false;
};

export type { ReadWriteType, RecordFacts, Selector, TrailDefinition };
export { isTrue, selectorsOf, takes };
