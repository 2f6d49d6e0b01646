// superapp-shell: the render webview of one WXML page. It renders the page's compiled
// template with the data its logic sends (setData, through the shell), answers each
// setData with `rendered`, and forwards the handlers its events fire. No page JS runs here.
(function () {
  'use strict';
  var R = window.__wxmlRender, P = window.__wxmlDataPath, sa = window.__superapp;
  var template = null;
  var data = {};
  var container = document.getElementById('wx-root');
  var mounted = false;
  var early = []; // setData that came before the page was attached

  // Shows page `route`: its styles (app.wxss and its own) and its template. A page's
  // webview knows its route from its config; a preloaded one is told it when it is used.
  function attach(route, query) {
    if (template) return;
    sa.config.route = route;
    if (query) sa.config.query = query;
    // Relative URLs (an image's src, a url() in WXSS) resolve from the page's folder, as
    // in WeChat, also in a preloaded webview whose document lives elsewhere.
    var base = document.createElement('base');
    base.href = '/' + route.split('/').slice(0, -1).map(encodeURIComponent).join('/') + '/';
    document.head.insertBefore(base, document.head.firstChild);
    var styles = window.__wxmlStyles && window.__wxmlStyles[route];
    if (styles) styles();
    template = $gwx(route + '.wxml');
    // QA's injected script waits for a preloaded page's route (page.rs).
    if (typeof window.__superappOnAttach === 'function') window.__superappOnAttach();
    early.splice(0).forEach(render);
  }
  sa.on('attach', function (m) { attach(m.route, m.query); });

  sa.on('setData', function (m) {
    if (template) render(m);
    else early.push(m);
  });

  // A custom tab bar (app.json tabBar.custom): its component ends each tab page's tree,
  // one instance per tab page, as WeChat draws it (src/core/components.rs).
  function withTabBar(tree) {
    var bar = window.__wxmlComponents && window.__wxmlComponents.customTabBar;
    if (!bar || bar.pages.indexOf(sa.config.route) < 0 || !tree) return tree;
    var node = { tag: 'wx-custom-tab-bar', attr: {}, children: [] };
    return Object.assign({}, tree, { children: (tree.children || []).concat([node]) });
  }

  function render(m) {
    Object.keys(m.data || {}).forEach(function (path) { P.set(data, path, m.data[path]); });
    var tree = withTabBar(template(data, {}, {}));
    if (mounted) R.patch(tree);
    else R.mount(container, tree, sa.config.route);
    mounted = true;
    sa.post({ type: 'rendered', seq: m.seq });
  }
  if (sa.config.route) attach(sa.config.route);
  R.onEvent(function (handler, event, owner) {
    if (owner) sa.post({ type: 'component', data: { kind: 'event', id: owner, handler: handler, event: event } });
    else sa.post({ type: 'wxmlEvent', handler: handler, event: event });
  });
  // Custom components: instances made here live in the logic layer (assets/wxml/component.js).
  R.onComponent(function (m) { sa.post({ type: 'component', data: m }); });
  sa.on('component', function (m) {
    var seq = R.component(m.data);
    if (seq !== undefined && seq >= 0) sa.post({ type: 'component', data: { kind: 'rendered', id: m.data.id, seq: seq } });
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
