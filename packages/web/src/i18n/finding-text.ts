// The server's findings in the reader's language, from their `code` and `params`. The server also sends them in
// English (`text`/`message`): a code this catalogue does not know (a newer server), or params not as expected,
// give null here and the caller shows that English instead.
import {
  isKey,
  renderFinding,
  Unexpected,
  type FindingContext,
  type FindingLike,
  type Wording,
} from './finding-wording.ts';

export { reasonText, type FindingContext, type FindingLike } from './finding-wording.ts';

function span(w: Wording): string {
  const first = w.str('first');
  const last = w.str('last');
  return first === last
    ? w.say('finding.span.at', { date: w.dateTime('first') })
    : w.say('finding.span.between', { from: w.dateTime('first'), to: w.dateTime('last') });
}

function places(w: Wording): string {
  return w.join(
    w.items('places').map((i) => {
      const where = w.place(i['place']);
      const label = typeof i['label'] === 'string' ? i['label'] : '?';
      const count = typeof i['count'] === 'number' ? i['count'] : 0;
      return w.say('finding.place', {
        place: where ? w.ctx.placeName(where) : label,
        count: w.ctx.fmt.number(count),
      });
    }),
  );
}

function withReceived(w: Wording, finding: string): string {
  const batches = w.num('batches');
  if (batches === 0) return finding;
  const received = w.sayN('finding.received', batches, { device: w.str('device') });
  return w.say('finding.withReceived', { finding, received });
}

function signIn(w: Wording): string {
  const approval = w.opt('approval');
  if (approval === null) return w.say('finding.signIn.none');
  const ip = w.opt('signInIp') ?? w.say('finding.unknownAddress');
  const where = w.place(w.raw('signInPlace'));
  return w.say('finding.signIn', {
    date: w.dateTime('signedInAt'),
    where: where ? w.say('finding.where', { ip, place: w.ctx.placeName(where) }) : ip,
    factors: w.strings('factors').join('+') || w.say('finding.noFactor'),
    approval:
      approval === 'first-device'
        ? w.say('finding.approval.first-device')
        : approval === 'device'
          ? w.say('finding.approval.device', {
              device: w.opt('approverName') ?? '?',
              factor: w.opt('approvalFactor') ?? '?',
              date: w.dateTime('approvedAt'),
            })
          : w.say('finding.approval.none'),
  });
}

const EXPLAIN: Record<string, (w: Wording) => string> = {
  'photo-anomaly': (w) =>
    w.say('finding.photo-anomaly', {
      photoId: w.str('photoId'),
      device: w.str('device'),
      reasons: w
        .strings('reasons')
        .map((code) => {
          const key = `finding.reason.${code}`;
          if (!isKey(key)) throw new Unexpected(code);
          return w.say(key);
        })
        .join(w.say('finding.reason.separator')),
    }),
  'this-device-uploads': (w) =>
    w.sayN('finding.this-device-uploads', w.num('count'), { span: span(w), places: places(w) }),
  'other-device-uploads': (w) => {
    const model = w.opt('model');
    const serial = w.opt('serial');
    const described = !model
      ? ''
      : serial
        ? w.say('finding.modelSerial', { model, serial })
        : w.say('finding.model', { model });
    const finding = w.sayN('finding.other-device-uploads', w.num('count'), {
      deviceName: w.str('deviceName'),
      model: described,
      signIn: signIn(w),
      span: span(w),
      places: places(w),
    });
    return withReceived(w, finding);
  },
  'shared-in': (w) =>
    withReceived(
      w,
      w.sayN('finding.shared-in', w.num('count'), {
        albumId: w.str('albumId'),
        ownerAccountId: w.str('ownerAccountId'),
        grantedAt: w.dateTime('grantedAt'),
      }),
    ),
  'unmatched-elsewhere': (w) => w.sayN('finding.unmatched-elsewhere', w.num('count')),
};

const FLEET: Record<string, (w: Wording) => string> = {
  'unknown-serial': (w) =>
    w.say(
      w.raw('shoeboxOnly') === true ? 'finding.fleet.unknown-serial.shoebox' : 'finding.fleet.unknown-serial',
      {
        serial: w.str('serial'),
      },
    ),
  'never-sold': (w) => w.say('finding.fleet.never-sold'),
  'sold-more-than-once': (w) =>
    w.sayN('finding.fleet.sold-more-than-once', w.num('count'), {
      sales: w.join(
        w.items('sales').map((s) =>
          w.say('finding.fleet.sale', {
            date: w.day(s['date']),
            retailer: typeof s['retailer'] === 'string' ? s['retailer'] : '?',
          }),
        ),
      ),
    }),
  'sold-by-unshipped-retailer': (w) => {
    const shippedTo = w.strings('shippedTo');
    const retailer = w.opt('retailer') ?? '?';
    return shippedTo.length === 0
      ? w.say('finding.fleet.sold-by-unshipped-retailer.noShipment', { retailer })
      : w.say('finding.fleet.sold-by-unshipped-retailer', { retailer, shippedTo: w.join(shippedTo) });
  },
  'activated-before-sale': (w) => {
    const account = w.opt('account');
    const by = !account
      ? ''
      : w.raw('byCurrentOwner') === true
        ? w.say('finding.fleet.by.owner')
        : w.say('finding.fleet.by.account', { account });
    return w.sayN('finding.fleet.activated-before-sale', w.num('count'), {
      saleDate: w.day(w.raw('saleDate')),
      retailer: w.opt('retailer') ?? '?',
      firstDate: w.day(w.raw('firstDate')),
      by,
    });
  },
  'activated-by-another-account': (w) =>
    w.say(
      w.num('accounts') > 1
        ? 'finding.fleet.activated-by-another-account.several'
        : 'finding.fleet.activated-by-another-account',
      { firstAt: w.dateTime('firstAt'), account: w.opt('account') ?? '?' },
    ),
  'passed-activated-before-sale': (w) =>
    w.say('finding.fleet.passed-activated-before-sale', {
      saleDate: w.day(w.raw('saleDate')),
      retailer: w.opt('retailer') ?? '?',
    }),
  'passed-activated-by-another-account': (w) => w.say('finding.fleet.passed-activated-by-another-account'),
  'passed-sold-more-than-once': (w) => w.say('finding.fleet.passed-sold-more-than-once'),
  'passed-sold-by-unshipped-retailer': (w) => w.say('finding.fleet.passed-sold-by-unshipped-retailer'),
};

/** The codes this client can word: the web test checks them against the server's closed sets. */
export const EXPLAIN_CODES = Object.keys(EXPLAIN);
export const FLEET_CODES = Object.keys(FLEET);

/** An explain finding in the reader's language, or null: show its English `text`. */
export const explainFindingText = (f: FindingLike, ctx: FindingContext) => renderFinding(EXPLAIN, f, ctx);
/** A fleet finding (device history, or the explain report's fleet lines), or null: show its English. */
export const fleetFindingText = (f: FindingLike, ctx: FindingContext) => renderFinding(FLEET, f, ctx);
