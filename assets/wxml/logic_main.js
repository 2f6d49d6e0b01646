// superapp-shell: the logic context of a WXML mini program (a hidden webview). It runs the
// pages' hooks when the shell sends them, sends each page's setData to its render webview
// (through the shell), calls the handlers its events name, and runs onReady after a page's
// first render. Needs logic.js first; the package's JS files (one module script each) come after.
(function () {
  'use strict';
  var L = window.__wxmlLogic, sa = window.__superapp;
  var readyFired = {};

  // Runs `fn` as page `id`'s code: the calls it makes, and those of the work it schedules,
  // are that page's (their webViewId; relative routes resolve from it). page_context.js.
  var C = window.__wxmlPageContext;
  function asPage(id, fn) { return C.run(id, fn); }
  var stack = [];
  C.fallback(function () { return stack.length ? stack[stack.length - 1] : undefined; });

  // Runs a hook; a throw is reported as an uncaught error (assets/console.js), one that
  // stops the page from loading when `failedLoad`.
  function call(target, name, arg, failedLoad) {
    if (!target || typeof target[name] !== 'function') return;
    try {
      target[name](arg);
    } catch (err) {
      window.__superappReportError(err, failedLoad);
    }
  }

  L.onSetData(function (m) {
    sa.post({ type: 'setData', webviewId: m.webviewId, seq: m.seq, data: m.data });
  });

  sa.on('lifecycle', function (m) { asPage(m.webviewId, function () { lifecycle(m); }); });

  function lifecycle(m) {
    var id = m.webviewId;
    if (m.hook === 'onLoad') {
      if (m.launch) {
        var options = { path: m.route, query: JSON.parse(JSON.stringify(m.query || {})) };
        call(getApp(), 'onLaunch', options);
        call(getApp(), 'onShow', options);
      }
      var page = null;
      try {
        page = L.createPage(m.route, id, m.query);
      } catch (err) {
        // Its module failed to load or did not call Page(): the page shows why.
        window.__superappReportError(err, true);
      }
      if (page) {
        // The first render: the page's initial data.
        page.setData(JSON.parse(JSON.stringify(page.data)));
        call(page, 'onLoad', JSON.parse(JSON.stringify(m.query || {})), true);
        call(page, 'onShow');
      }
    } else {
      // (the shell decides whether the App or the page goes first: src/core/lifecycle.rs)
      if (m.app && m.appFirst) call(getApp(), m.hook);
      call(L.page(id), m.hook);
      if (m.app && !m.appFirst) call(getApp(), m.hook);
      if (m.hook === 'onUnload') {
        L.removePage(id);
        delete readyFired[id];
      }
    }
    sa.post({ type: 'hookDone', hook: m.hook, webviewId: id });
  }

  sa.on('rendered', function (m) { asPage(m.webviewId, function () { rendered(m); }); });

  function rendered(m) {
    L.rendered(m.seq);
    var page = L.page(m.webviewId);
    if (page && !readyFired[m.webviewId]) {
      readyFired[m.webviewId] = true;
      call(page, 'onReady');
    }
  }

  // Lifecycle hooks run only when the shell says so: an event cannot name one.
  var HOOKS = { onLoad: 1, onShow: 1, onReady: 1, onHide: 1, onUnload: 1 };

  sa.on('wxmlEvent', function (m) {
    if (HOOKS[m.handler]) {
      console.warn('[superapp] an event named the lifecycle hook ' + m.handler + ': ignored');
      return;
    }
    var page = L.page(m.webviewId);
    var handler = page && page[m.handler];
    if (typeof handler !== 'function') {
      // A page need not define onPageScroll or onReachBottom.
      if (m.handler !== 'onPageScroll' && m.handler !== 'onReachBottom') {
        console.warn('[superapp] page ' + (page && page.route) + ' has no handler ' + m.handler);
      }
      return;
    }
    try {
      asPage(m.webviewId, function () { handler.call(page, m.event); });
    } catch (err) {
      window.__superappReportError(err, false);
    }
  });

  sa.on('pages', function (m) {
    stack = m.pages.map(function (p) { return p.webViewId; });
    L.setStack(stack);
  });
})();
