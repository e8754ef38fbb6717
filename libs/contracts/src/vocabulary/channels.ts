/** Ways a supporter can be reached, in the supporter's preferred order. */
export const CHANNEL_KINDS = ['console', 'sms', 'pager', 'pagerduty', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** How a supporter answered an offer. */
export const OFFER_RESPONSES = ['accepted', 'declined'] as const;
export type OfferResponse = (typeof OFFER_RESPONSES)[number];

export const RESPONSE_VIAS = ['link', 'sms', 'api'] as const;
export type ResponseVia = (typeof RESPONSE_VIAS)[number];
