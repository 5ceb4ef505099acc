// Usage and metering: the API has no usage figures yet (issue 18, metering). This page says so and is
// where they go: GET /v1/usage (invocations, GB-seconds, CPU-seconds, bytes) per service, revision and hour.
import {h, section, show} from './dom.js';

export async function render(main) {
  show(main, h('h1', {}, 'Usage'), coming());
}

/** The placeholder for usage figures, also shown on a service's page. */
export function coming(service) {
  return section('Usage',
    h('div', {class: 'placeholder', 'data-placeholder': 'usage'},
      h('p', {}, 'Usage figures are coming: invocations, GB-seconds, active GB-seconds, CPU-seconds and bytes in and out',
        service ? ' for ' + service : ' per service, revision and hour', '.'),
      h('p', {}, 'They will appear here once the server measures them (nubo usage). Until then, ',
        h('code', {}, 'nubo describe'), ' shows requests and instances.')));
}
