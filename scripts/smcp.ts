#!/usr/bin/env node
// The `smcp` command line. `npm start` runs `smcp local`.
import { parseArgs } from 'node:util';

const USAGE = `Usage: smcp <command> [options]

Commands:
  local     run the control plane offline against a local cloud (npm start)
  help      show this help
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async local() {
    console.log(
      [
        'smcp local: the local cloud is not built yet (see the open issue "The local cloud").',
        'When it lands, this command starts one AWS-compatible endpoint on http://127.0.0.1:4566 (Secrets Manager,',
        'EventBridge, Step Functions, SNS, SQS, DynamoDB), loads serverless.yml, statemachines/ and events/rules/,',
        'seeds demo secrets and replays the demo events. Nothing is running now.',
      ].join('\n'),
    );
    return 0;
  },
  async help() {
    console.log(USAGE);
    return 0;
  },
};

const main = async (argv: string[]): Promise<number> => {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const [name = 'help', ...rest] = positionals;
  const command = commands[name];
  if (!command) {
    console.error(`smcp: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
};

process.exitCode = await main(process.argv.slice(2));
