// superapp-shell: the render webview of one WXML page. It renders the page's compiled
// template with the data its logic sends (setData, through the shell), answers each
// setData with `rendered`, and forwards the handlers its events fire. No page JS runs here.
(function () {
  'use strict';
  var R = window.__wxmlRender, P = window.__wxmlDataPath, sa = window.__superapp;
  var template = $gwx(sa.config.route + '.wxml');
  var data = {};
  var container = document.getElementById('wx-root');
  var mounted = false;
  sa.on('setData', function (m) {
    Object.keys(m.data || {}).forEach(function (path) { P.set(data, path, m.data[path]); });
    var tree = template(data, {}, {});
    if (mounted) R.patch(tree);
    else R.mount(container, tree);
    mounted = true;
    sa.post({ type: 'rendered', seq: m.seq });
  });
  R.onEvent(function (handler, event) {
    sa.post({ type: 'wxmlEvent', handler: handler, event: event });
  });
})();
