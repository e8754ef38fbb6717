import { MigrationInterface } from 'typeorm';
import { KeyRing } from '@harbor/crypto';
import { NotificationOffers1764000000300 } from './1764000000300-notification-offers';
import { NotificationDispatch1764000000310 } from './1764000000310-notification-dispatch';
import { notificationSealedContactsMigration } from './1764000030100-notification-sealed-contacts';
import { NotificationSmsReplies1764000030200 } from './1764000030200-notification-sms-replies';
import { NotificationLinkViewers1764000030300 } from './1764000030300-notification-link-viewers';
import { NotificationDeliveryIntents1764000050000 } from './1764000050000-notification-delivery-intents';
import { NotificationDispatchTraceContext1764000080000 } from './1764000080000-notification-dispatch-trace-context';
import { NotificationEncounters1764000130000 } from './1764000130000-notification-encounters';
import { NotificationDispatchPurge1764000140200 } from './1764000140200-notification-dispatch-purge';
import { NotificationOpenOfferCodes1764000260000 } from './1764000260000-notification-open-offer-codes';

/**
 * The notification schema's migrations, in order; the shared messaging tables come first (added by the service
 * runtime). Sealing contacts stored in clear needs CONTACT_ENCRYPTION_KEYS, hence a function of the key ring.
 */
export function notificationMigrations(contactKeys: KeyRing): (new () => MigrationInterface)[] {
  return [
    NotificationOffers1764000000300, NotificationDispatch1764000000310, notificationSealedContactsMigration(contactKeys),
    NotificationSmsReplies1764000030200, NotificationLinkViewers1764000030300, NotificationDeliveryIntents1764000050000,
    NotificationDispatchTraceContext1764000080000, NotificationEncounters1764000130000,
    NotificationDispatchPurge1764000140200, NotificationOpenOfferCodes1764000260000,
  ];
}
