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

  // Page scroll: onPageScroll({scrollTop}) at most once a frame, and onReachBottom when the
  // bottom comes within 50 px (WeChat's onReachBottomDistance), once per content height.
  var scrollQueued = false;
  var bottomFiredAt = -1;
  window.addEventListener('scroll', function () {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(function () {
      scrollQueued = false;
      var top = window.scrollY || document.documentElement.scrollTop || 0;
      sa.post({ type: 'wxmlEvent', handler: 'onPageScroll', event: { scrollTop: top } });
      var height = document.documentElement.scrollHeight;
      if (top + window.innerHeight >= height - 50 && bottomFiredAt !== height) {
        bottomFiredAt = height;
        sa.post({ type: 'wxmlEvent', handler: 'onReachBottom', event: {} });
      }
    });
  });
})();
