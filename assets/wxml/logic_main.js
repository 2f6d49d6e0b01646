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

  // A page loading: WeChat creates and attaches the components of a page's first tree
  // before the page's onLoad, and readies them before its onReady. So onLoad waits until
  // the render layer has drawn the page's first data and every component in that tree has
  // drawn its own; the order (src/core/lifecycle.rs's table, and the README's):
  //   components created, attached; page onLoad; components' pageLifetimes.show; page
  //   onShow; components ready; page onReady (once what onLoad and onShow set is drawn).
  // A tree not drawn within TREE_DEADLINE loads without it.
  var TREE_DEADLINE = 5000;
  var loads = {}; // webview id -> {page, query, drawn, pending, held, timer}

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
        var load = loads[id] = { page: page, query: m.query, drawn: false, pending: 0, held: [], timer: 0 };
        load.timer = setTimeout(function () {
          if (loads[id] !== load) return;
          console.warn('[superapp] page ' + m.route + ': its first tree was not drawn in ' +
            TREE_DEADLINE + ' ms; it loads without it');
          loaded(id);
        }, TREE_DEADLINE);
        // The first render: the page's initial data.
        page.setData(page.data, function () {
          load.drawn = true;
          settle(id);
        });
        return; // (its hookDone comes once it has loaded)
      }
    } else {
      if (loads[id]) {
        // (the shell stopped waiting for its onLoad: that never runs now)
        clearTimeout(loads[id].timer);
        delete loads[id];
      }
      // (the shell decides whether the App or the page goes first: src/core/lifecycle.rs)
      if (m.app && m.appFirst) call(getApp(), m.hook);
      call(L.page(id), m.hook);
      pageComponents(id, m.hook);
      if (m.app && !m.appFirst) call(getApp(), m.hook);
      if (m.hook === 'onUnload') {
        L.removePage(id);
        delete readyFired[id];
      }
    }
    sa.post({ type: 'hookDone', hook: m.hook, webviewId: id });
  }

  // Page `id` loads once its first tree is drawn (no component still drawing its first data).
  function settle(id) {
    var load = loads[id];
    if (load && load.drawn && load.pending === 0) loaded(id);
  }

  function loaded(id) {
    var load = loads[id];
    if (!load) return;
    clearTimeout(load.timer);
    delete loads[id];
    asPage(id, function () {
      var page = load.page;
      call(page, 'onLoad', JSON.parse(JSON.stringify(load.query || {})), true);
      pageComponents(id, 'onShow');
      call(page, 'onShow');
      sa.post({ type: 'hookDone', hook: 'onLoad', webviewId: id });
      // onReady once what onLoad and onShow set is drawn, after the components' ready.
      page.setData({}, function () {
        load.held.forEach(function (c) { c.ready(); });
        if (L.page(id) === page && !readyFired[id]) {
          readyFired[id] = true;
          call(page, 'onReady');
        }
      });
    });
  }

  sa.on('rendered', function (m) { asPage(m.webviewId, function () { rendered(m); }); });

  function rendered(m) {
    L.rendered(m.seq);
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
      asPage(m.webviewId, function () { handler.call(page, fromRender(m.event, m.webviewId)); });
    } catch (err) {
      window.__superappReportError(err, false);
    }
  });

  // Custom components: their instances by page, then by id (the render layer's numbers).
  var components = {};
  function instancesOf(webviewId) { return components[webviewId] || (components[webviewId] = {}); }
  function toRender(webviewId) {
    return function (data) { sa.post({ type: 'component', webviewId: webviewId, data: data }); };
  }
  sa.on('component', function (m) { asPage(m.webviewId, function () { component(m.webviewId, m.data); }); });

  // Intersection observers (bridge.js's wx.createIntersectionObserver): the page's render
  // webview watches, and says when a ratio changes.
  var intersections = {};
  window.__wxmlIntersection = function (owner) {
    var webviewId = owner && owner.__webviewId !== undefined ? owner.__webviewId
      : owner && owner.webViewId !== undefined ? owner.webViewId : window.__superappActivePage;
    var ownerId = owner && owner.__id !== undefined ? owner.__id : 0;
    var send = toRender(webviewId);
    return {
      observe: function (spec, cb) {
        spec.kind = 'observe';
        spec.owner = ownerId;
        intersections[spec.observer] = cb;
        send(spec);
        return function () {
          delete intersections[spec.observer];
          send({ kind: 'unobserve', observer: spec.observer });
        };
      }
    };
  };

  // animate(selector, keyframes, duration, callback | scrollTimeline) and
  // clearAnimation(selector, options, callback) of pages and components: the render
  // webview runs them (Web Animations), and says when they end.
  var animations = {};
  var nextAnimation = 1;
  window.__wxmlAnimate = function (webviewId, ownerId, selector, keyframes, duration, last) {
    var id = nextAnimation++;
    var timeline = last && typeof last === 'object' ? last : null;
    if (typeof last === 'function') animations[id] = window.__superappBind ? window.__superappBind(last) : last;
    toRender(webviewId)({
      kind: 'animate', owner: ownerId, animation: id, selector: String(selector),
      keyframes: JSON.parse(JSON.stringify(keyframes || [])), duration: Number(duration) || 0, timeline: timeline
    });
  };
  /** An animated style (wx.worklet) for the elements `selector` names in the owner's
   *  template; null clears it. */
  window.__wxmlAnimatedStyle = function (webviewId, ownerId, selector, style) {
    toRender(webviewId)({ kind: 'style', owner: ownerId, selector: selector, style: style });
  };
  window.__wxmlClearAnimation = function (webviewId, ownerId, selector, options, callback) {
    if (typeof options === 'function') { callback = options; options = null; }
    var id = nextAnimation++;
    if (typeof callback === 'function') animations[id] = window.__superappBind ? window.__superappBind(callback) : callback;
    toRender(webviewId)({ kind: 'clearAnimation', owner: ownerId, animation: id, selector: String(selector) });
  };

  /** VideoContext calls go to the page's render webview (the video of that id in the
   *  owner's template). */
  window.__wxmlMedia = function (owner, id) {
    var webviewId = owner && owner.__webviewId !== undefined ? owner.__webviewId
      : owner && owner.webViewId !== undefined ? owner.webViewId : window.__superappActivePage;
    var ownerId = owner && owner.__id !== undefined ? owner.__id : 0;
    return function (method, args) {
      toRender(webviewId)({ kind: 'media', owner: ownerId, id: id, method: method, args: args });
    };
  };

  // Canvas (assets/canvas.js): a Canvas node's frames, and the old API's draw(), go to
  // the page's render webview.
  window.__wxmlCanvasSend = function (page, message) { toRender(page)(message); };
  window.__wxmlCanvasDraw = function (owner, canvasId, ops, reserve, done) {
    var webviewId = owner && owner.__webviewId !== undefined ? owner.__webviewId
      : owner && owner.webViewId !== undefined ? owner.webViewId : window.__superappActivePage;
    var id = nextAnimation++;
    animations[id] = window.__superappBind ? window.__superappBind(done) : done;
    toRender(webviewId)({
      kind: 'canvasDraw', owner: owner && owner.__id !== undefined ? owner.__id : 0, canvasId: canvasId,
      ops: ops, reserve: reserve, animation: id
    });
  };

  // selectComponent / selectAllComponents: the instances in `owner`'s own template
  // (0: the page's) that a simple selector names: `#id`, `.class`, a tag, or those
  // joined (`my-card.big`).
  function matches(c, selector) {
    var parts = String(selector).trim().match(/^([A-Za-z][\w-]*)?((?:[#.][\w-]+)*)$/);
    if (!parts) return false;
    if (parts[1] && parts[1] !== c.tag) return false;
    var classes = (c.classes || '').split(/\s+/);
    return (parts[2].match(/[#.][\w-]+/g) || []).every(function (p) {
      return p.charAt(0) === '#' ? c.attrId === p.slice(1) : classes.indexOf(p.slice(1)) >= 0;
    });
  }
  window.__wxmlSelectComponents = function (webviewId, ownerId, selector, all) {
    var live = components[webviewId] || {};
    var found = Object.keys(live).map(function (id) { return live[id]; }).filter(function (c) {
      return c.owner === ownerId && String(selector).split(',').some(function (s) { return matches(c, s); });
    }).map(function (c) { return c.exported(); });
    return all ? found : found.length ? found[0] : null;
  };

  // relations: a component whose relation (parent, ancestor) names an instance around
  // it, which names it back (child, descendant), is linked both ways; `linked` runs on
  // both, the outer first.
  var INVERSE = { parent: ['child'], ancestor: ['descendant', 'child'], child: ['parent'], descendant: ['ancestor', 'parent'] };
  // Whether relation `rel` names component `other`: by its path, or (with `target`) by a
  // behavior it has.
  function names(rel, other) {
    return rel.behavior ? other.hasBehavior(rel.behavior) : other.path === rel.target;
  }
  function relate(live, c, ancestors) {
    c.relations.forEach(function (rel) {
      if (rel.type !== 'parent' && rel.type !== 'ancestor') return;
      var around = rel.type === 'parent' ? ancestors.slice(0, 1) : ancestors;
      for (var i = 0; i < around.length; i++) {
        var other = live[around[i]];
        if (!other || !names(rel, other)) continue;
        var back = other.relations.filter(function (r) {
          return names(r, c) && INVERSE[rel.type].indexOf(r.type) >= 0;
        })[0];
        if (back) {
          other.link(back.key, c.instance);
          c.link(rel.key, other.instance);
        }
        return;
      }
    });
  }
  function unrelate(live, c) {
    c.linked().forEach(function (pair) {
      var otherInstance = pair[1];
      Object.keys(live).forEach(function (id) {
        var other = live[id];
        if (other.instance !== otherInstance) return;
        other.linked().forEach(function (back) { if (back[1] === c.instance) other.unlink(back[0], c.instance); });
      });
      c.unlink(pair[0], otherInstance);
    });
  }

  /** A component instance by page and node (the automator's CustomElement). */
  window.__wxmlComponentInstance = function (webviewId, id) {
    var c = (components[webviewId] || {})[id];
    return c ? c.instance : null;
  };

  // Values from the render layer: references are the logic layer's own functions and
  // objects again (assets/wxml/data_path.js).
  var fromRender = window.__wxmlDataPath.fromRender;

  function component(webviewId, m) {
    if (m.kind === 'animated') {
      var done = animations[m.animation];
      delete animations[m.animation];
      if (done) { try { done(); } catch (err) { window.__superappReportError(err, false); } }
      return;
    }
    if (m.kind === 'intersection') {
      var cb = intersections[m.observer];
      if (cb) { try { cb(m.result); } catch (err) { window.__superappReportError(err, false); } }
      return;
    }
    if (m.kind === 'resize') {
      // The page's onResize, and its components' pageLifetimes.resize, with the size.
      var page = L.page(webviewId);
      var size = { size: m.size };
      if (page && typeof page.onResize === 'function') {
        try { page.onResize(size); } catch (err) { window.__superappReportError(err, false); }
      }
      var all = components[webviewId] || {};
      Object.keys(all).forEach(function (id) { all[id].pageLifetime('resize', size); });
      return;
    }
    var live = instancesOf(webviewId);
    var c = live[m.id];
    if (m.kind === 'created') {
      var definition;
      try {
        definition = L.componentDefinition(m.path);
      } catch (err) {
        window.__superappReportError(err, false);
        return;
      }
      var send = toRender(webviewId);
      c = live[m.id] = window.__wxmlComponent.instantiate(definition, m.path, m.id, send, webviewId);
      c.owner = m.owner || 0;
      c.tag = m.tag;
      c.attrId = m.attrId || '';
      c.classes = m.classes || '';
      c.instance.id = m.attrId || '';
      c.instance.dataset = m.dataset || {};
      /** The component (or page) whose template holds this one. */
      c.instance.selectOwnerComponent = function () {
        var owner = c.owner ? live[c.owner] : null;
        return owner ? owner.instance : L.page(webviewId) || null;
      };
      c.created();
      c.props(fromRender(m.props, webviewId), true);
      c.path = m.path;
      c.attached(function () {
        send({
          kind: 'data', id: m.id, seq: 0, data: window.__wxmlDataPath.toRender(c.instance.data, webviewId), first: true,
          externalClasses: c.externalClasses, styleOptions: c.styleOptions
        });
      });
      relate(live, c, m.ancestors || []);
      // (part of a loading page's first tree: the page loads once it is drawn)
      if (loads[webviewId]) {
        c.firstTree = loads[webviewId];
        c.firstTree.pending++;
      }
    } else if (!c) {
      return;
    } else if (m.kind === 'props') {
      c.attrId = c.instance.id = m.attrId || '';
      c.classes = m.classes || '';
      var sent = c.props(fromRender(m.props, webviewId), false);
      if (Object.keys(sent).length) toRender(webviewId)({ kind: 'data', id: m.id, seq: -1, data: sent });
    } else if (m.kind === 'rendered') {
      var tree = m.seq === 0 ? c.firstTree : null;
      if (m.seq === 0) c.firstTree = null;
      // (in a page still loading, its ready waits for the page's onShow)
      var hold = !!tree && loads[webviewId] === tree;
      c.rendered(m.seq, hold);
      if (hold) tree.held.push(c);
      if (tree) {
        tree.pending--;
        settle(webviewId);
      }
    } else if (m.kind === 'event') {
      var handler = c.method(m.handler);
      if (!handler) {
        console.warn('[superapp] component ' + c.instance.is + ' has no method ' + m.handler);
        return;
      }
      try { handler.call(c.instance, fromRender(m.event, webviewId)); } catch (err) { window.__superappReportError(err, false); }
    } else if (m.kind === 'detached') {
      delete live[m.id];
      c.detached();
      unrelate(live, c);
    }
  }

  // A page's components follow its show, hide and unload.
  function pageComponents(webviewId, hook) {
    var live = components[webviewId];
    if (!live) return;
    Object.keys(live).forEach(function (id) {
      if (hook === 'onShow') live[id].pageLifetime('show');
      else if (hook === 'onHide') live[id].pageLifetime('hide');
      else if (hook === 'onUnload') live[id].detached();
    });
    if (hook === 'onUnload') delete components[webviewId];
  }

  sa.on('pages', function (m) {
    stack = m.pages.map(function (p) { return p.webViewId; });
    L.setStack(stack);
  });
})();
