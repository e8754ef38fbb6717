import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The one owner of `"notification"."delivery_receipts"`: a provider's reports on messages Harbor sent. It reads
 * `"notification"."delivery_attempts"` (DispatchStore's) only to check that a receipt names one of Harbor's sends.
 */
@Injectable()
export class DeliveryReceipts {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Records a receipt for a message Harbor sent (by the provider's reference); one for anything else is ignored. */
  async record(providerRef: string, channel: string, status: string, errorCode: string | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "notification"."delivery_receipts" ("provider_ref", "channel", "status", "error_code")
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM "notification"."delivery_attempts" WHERE "provider_ref" = $1)`,
      [providerRef, channel, status, errorCode],
    );
  }
}
