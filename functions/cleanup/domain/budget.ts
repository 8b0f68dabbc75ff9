// How much of one execution's history a scan may spend before it continues in a fresh execution. Step Functions
// stops an execution at 25,000 history events; each page costs a fixed number of events, and each change the Map
// makes costs more (a deletion with its lock and approval the most). The page step adds up what it spent and asks to
// continue when the next page, at its worst, might not fit, or after `pagesPerExecution` pages.
// The figures are counted from the state machine (statemachines/cleanup.asl.yml) and checked against real histories
// in test/cleanup/scenarios.test.ts (`cleanup history`).

/** Events of a page without changes: the page task (5), two choices and the cursor pass (6), with room to spare. */
const PAGE_EVENTS = 14;
/** The Map's own events and the Record Outcomes task, once per page that changes something. */
const MAP_EVENTS = 12;
/** The most one item can cost: lock, approval and its check, delete, release, their choices and passes, and the
 * iteration's own. */
const ITEM_EVENTS = 48;
/** Under the 25,000 limit with room for the last page and the end of the execution. */
const HISTORY_BUDGET = 20_000;

const pageCost = (items: number): number => PAGE_EVENTS + (items > 0 ? MAP_EVENTS + items * ITEM_EVENTS : 0);

/** Whether the scan must go on in a new execution before its next page. */
const mustContinue = ({
  pages,
  events,
  pageSize,
  pagesPerExecution,
}: {
  pages: number;
  events: number;
  pageSize: number;
  pagesPerExecution: number;
}): boolean => pages >= pagesPerExecution || events + pageCost(pageSize) > HISTORY_BUDGET;

export { HISTORY_BUDGET, ITEM_EVENTS, MAP_EVENTS, mustContinue, PAGE_EVENTS, pageCost };
