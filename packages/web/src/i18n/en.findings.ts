/**
 * English words of the server's findings (explain report, anomaly reasons, fleet history), keyed by their `code`
 * (spread into en). The server's own English `text` is the fallback for a code this catalogue does not know.
 */
export const enFindings = {
  'finding.photo-anomaly': 'Photo {photoId} is on “{device}” but {reasons}.',
  'finding.reason.no-upload-entry': 'no photo.uploaded entry for it in this account’s audit log',
  'finding.reason.content-differs': 'its content differs from the logged upload (SHA-256)',
  'finding.reason.upload-names-other-device': 'the logged upload names another device',
  'finding.reason.upload-names-other-session': 'the logged upload names another session',
  'finding.reason.device-missing': 'its uploading device does not exist',
  'finding.reason.foreign-device': 'it was uploaded by another account’s device',
  'finding.reason.no-sign-in': 'its upload session has no sign-in in this account’s log',
  'finding.reason.never-approved': 'its uploading device was never approved (no enrolment in the log)',
  'finding.reason.not-shared': 'it belongs to another account and no album shares it with this account',
  'finding.reason.not-in-feed': 'it never entered the account’s change feed',
  'finding.reason.separator': '; ',
  'finding.list.separator': ', ',
  'finding.this-device-uploads.one': '{count} photo was uploaded by this device {span}, from {places}.',
  'finding.this-device-uploads.other': '{count} photos were uploaded by this device {span}, from {places}.',
  'finding.other-device-uploads.one':
    '{count} photo came from another device of this account, “{deviceName}”{model}, {signIn}; uploaded {span} from {places}.',
  'finding.other-device-uploads.other':
    '{count} photos came from another device of this account, “{deviceName}”{model}, {signIn}; uploaded {span} from {places}.',
  'finding.shared-in.one':
    '{count} photo was shared into this account through album {albumId} of account {ownerAccountId}, shared since {grantedAt}.',
  'finding.shared-in.other':
    '{count} photos were shared into this account through album {albumId} of account {ownerAccountId}, shared since {grantedAt}.',
  'finding.unmatched-elsewhere.one':
    '{count} other photo of this library (not on this device) has no matching upload record; run explain for the whole library.',
  'finding.unmatched-elsewhere.other':
    '{count} other photos of this library (not on this device) have no matching upload record; run explain for the whole library.',
  'finding.received.one': 'They reached “{device}” in {count} sync batch.',
  'finding.received.other': 'They reached “{device}” in {count} sync batches.',
  'finding.withReceived': '{finding} {received}',
  'finding.span.at': 'at {date}',
  'finding.span.between': 'between {from} and {to}',
  'finding.place': '{place} ×{count}',
  'finding.model': ' ({model})',
  'finding.modelSerial': ' ({model}, serial {serial})',
  'finding.signIn.none': 'with no sign-in on record',
  'finding.signIn': 'signed in at {date} from {where} with {factors}, {approval}',
  'finding.where': '{ip} ({place})',
  'finding.unknownAddress': 'unknown address',
  'finding.noFactor': 'no factor',
  'finding.approval.none': 'never approved',
  'finding.approval.first-device': 'trusted as the account’s first device',
  'finding.approval.device': 'approved from “{device}” ({factor}) at {date}',
  'finding.fleet.unknown-serial':
    'No record knows serial {serial}: no manufacturer shipment, retailer sale or earlier activation is on file.',
  'finding.fleet.unknown-serial.shoebox':
    'Only Shoebox’s own activations know serial {serial}: no manufacturer shipment, retailer sale or earlier activation is on file.',
  'finding.fleet.never-sold': 'No retailer ever recorded selling this unit.',
  'finding.fleet.sold-more-than-once.one': 'Sold {count} time: {sales}.',
  'finding.fleet.sold-more-than-once.other': 'Sold {count} times: {sales}.',
  'finding.fleet.sale': '{date} by {retailer}',
  'finding.fleet.sold-by-unshipped-retailer':
    'Sold by {retailer}, which it was never shipped to (shipped to {shippedTo}).',
  'finding.fleet.sold-by-unshipped-retailer.noShipment':
    'Sold by {retailer}, but no shipment of this unit is on file.',
  'finding.fleet.activated-before-sale.one':
    'Activated once before its sale on {saleDate} by {retailer} (first on {firstDate}{by}): a display, returned or second-hand unit.',
  'finding.fleet.activated-before-sale.other':
    'Activated {count} times before its sale on {saleDate} by {retailer} (first on {firstDate}{by}): a display, returned or second-hand unit.',
  'finding.fleet.by.owner': ', by the current owner',
  'finding.fleet.by.account': ', by account {account}',
  'finding.fleet.activated-by-another-account':
    'Activated by another account before the current owner (first at {firstAt}, account {account}).',
  'finding.fleet.activated-by-another-account.several':
    'Activated by other accounts before the current owner (first at {firstAt}, account {account}).',
  'finding.fleet.passed-activated-before-sale': 'No activation before its sale on {saleDate} by {retailer}.',
  'finding.fleet.passed-activated-by-another-account':
    'No other account activated it before its current owner.',
  'finding.fleet.passed-sold-more-than-once': 'Sold once.',
  'finding.fleet.passed-sold-by-unshipped-retailer': 'Sold by a retailer it was shipped to.',
} as const;
