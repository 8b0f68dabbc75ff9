// Where the bus delivers a rule target's input: a Lambda function (invoked with the input as its event) or an SQS
// queue (the input as the message body), the two target kinds serverless.yml gives the rules.
import type { LambdaRuntime } from '../lambda/runtime.ts';
import type { SqsEmulator } from '../sqs/index.ts';

const deliverToTargets =
  ({ lambda, sqs }: { lambda: LambdaRuntime; sqs: SqsEmulator }) =>
  (targetArn: string, input: string): Promise<void> | undefined => {
    if (targetArn.startsWith('arn:aws:lambda:')) {
      return lambda.invoke(targetArn, JSON.parse(input)).then(() => undefined);
    }
    if (targetArn.startsWith('arn:aws:sqs:')) {
      // Within the turn: the read pipeline's every event comes this way, and a promise each would only cost.
      sqs.sendMessage(targetArn.slice(targetArn.lastIndexOf(':') + 1), input);
      return undefined;
    }
    throw new Error(`The local bus cannot deliver to ${targetArn}`);
  };

export { deliverToTargets };
