import { QueryRunner } from 'typeorm';

interface HoldingClient {
  sendWithNextStatement?: (text: string, values: unknown[]) => void;
}

/**
 * Calls `record` with each write the runner's connection is asked to send with its next statement (libs/persistence
 * postgres-client.ts: rows written at commit travel with the COMMIT), which never passes through `manager.query`.
 * Returns the function that stops recording; the connection goes back to its pool unchanged.
 */
export function recordStatementsSentLater(runner: QueryRunner, record: (sql: string, parameters: unknown[]) => void): () => void {
  const client = (runner as QueryRunner & { databaseConnection?: HoldingClient }).databaseConnection;
  const hold = client?.sendWithNextStatement;
  if (!client || !hold) throw new Error('the runner is not connected through Harbor\'s Postgres client');
  client.sendWithNextStatement = (text, values) => {
    record(text, values);
    hold.call(client, text, values);
  };
  return () => {
    delete client.sendWithNextStatement; // back to the class's own method
  };
}

/** Records, for every runner the data source's driver creates from now on, the writes it sends later (see above), while it is connected. */
export function recordStatementsSentLaterByEveryRunner(driver: { createQueryRunner: (mode: 'master' | 'slave') => QueryRunner }, record: (sql: string, parameters: unknown[]) => void): void {
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    const connect = runner.connect.bind(runner);
    const release = runner.release.bind(runner);
    let stop: (() => void) | undefined;
    runner.connect = async () => {
      const connection = await connect();
      stop ??= recordStatementsSentLater(runner, record);
      return connection;
    };
    runner.release = async () => {
      stop?.();
      stop = undefined;
      return release();
    };
    return runner;
  };
}
