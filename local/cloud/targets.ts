// Where the bus delivers a rule target's input: a Lambda function (invoked with the input as its event) or an SQS
// queue (the input as the message body), the two target kinds serverless.yml gives the rules.
import type { LambdaRuntime } from '../lambda/runtime.ts';
import type { SqsEmulator } from '../sqs/index.ts';

const deliverToTargets =
  ({ lambda, sqs }: { lambda: LambdaRuntime; sqs: SqsEmulator }) =>
  async (targetArn: string, input: string): Promise<void> => {
    if (targetArn.startsWith('arn:aws:lambda:')) {
      await lambda.invoke(targetArn, JSON.parse(input));
    } else if (targetArn.startsWith('arn:aws:sqs:')) {
      sqs.sendMessage(targetArn.split(':').at(-1) ?? '', input);
    } else {
      throw new Error(`The local bus cannot deliver to ${targetArn}`);
    }
  };

export { deliverToTargets };
