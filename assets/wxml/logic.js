// superapp-shell WXML logic runtime: the logic layer of WeChat's two-layer model.
//
// One logic context per mini program runs app.js, every page's JS and every module, so
// getApp().globalData and module state are shared by all pages. Pages cannot touch the
// DOM: `this.setData(changes, callback)` updates `this.data` and hands the changes to a
// sink (the shell carries them to the page's render webview); the callback runs once the
// render layer says it has rendered them.
//
// Needs assets/wxml/data_path.js first. Each package JS file is its own script, wrapped by
// the shell as
//   __wxmlLogic.define('pages/home/home.js', function (require, module, exports) { ... });
// and run once, when first required. A file whose script did not load (a syntax error)
// stops only the modules that need it, each naming that error; a module whose code threw
// is not kept, so the next require runs it again and names the same error.
(function () {
  'use strict';
  if (window.__wxmlLogic) return;

  var factories = Object.create(null); // path -> factory
  var expected = Object.create(null); // path -> true: the package's JS files
  var loadErrors = Object.create(null); // path -> why its script did not load
  var modules = Object.create(null); // path -> module (one instance per mini program)
  var pageDefinitions = Object.create(null); // route -> the object given to Page()
  var componentDefinitions = Object.create(null); // module path -> the object given to Component()
  var loadingPaths = []; // the modules whose code is running, innermost last
  var loadingRoute = null; // the route whose JS is running, for Page()
  var appObject = null;
  var live = Object.create(null); // webview id -> live page instance (tab pages off the stack too)
  var stackIds = []; // the page stack as the shell says, home first
  var sink = function () {};
  var nextSeq = 1;
  var pendingCallbacks = Object.create(null); // seq -> [callback, instance]

  function dirname(path) {
    var i = path.lastIndexOf('/');
    return i < 0 ? '' : path.slice(0, i);
  }

  // Resolves a require() path: relative to the requiring module's folder, or absolute
  // from the package root; '.js' is added when missing.
  function resolve(from, path) {
    var parts = path.charAt(0) === '/' ? [] : dirname(from).split('/').filter(Boolean);
    path.split('/').forEach(function (segment) {
      if (segment === '' || segment === '.') return;
      if (segment === '..') parts.pop();
      else parts.push(segment);
    });
    var resolved = parts.join('/');
    if (!/\.js$/.test(resolved)) resolved += '.js';
    return resolved;
  }

  // A module script that fails to parse reports itself here (before console.js's report).
  var MODULES = '/__superapp/wxml/modules/';
  window.addEventListener('error', function (e) {
    var at = String(e.filename || '').indexOf(MODULES);
    if (at < 0) return;
    var file = String(e.filename).slice(at + MODULES.length);
    if (!factories[file] && !loadErrors[file]) {
      loadErrors[file] = String(e.message || 'it failed to load') +
        ' (' + file + ':' + e.lineno + ')';
    }
  }, true);

  function known(path) { return !!(factories[path] || expected[path] || loadErrors[path]); }

  // A bare `require('pkg')` or `require('pkg/sub')`: from the requiring file's folder up
  // to the root, the first `miniprogram_npm/pkg` that has it (as WeChat looks it up):
  // `pkg/sub.js`, `pkg/sub/index.js`, or `pkg/index.js` for the package itself.
  function resolveNpm(from, name) {
    var folders = dirname(from).split('/').filter(Boolean);
    for (var depth = folders.length; depth >= 0; depth--) {
      var base = folders.slice(0, depth).concat(['miniprogram_npm', name]).join('/');
      var candidates = /\.js$/.test(base) ? [base] : [base + '.js', base + '/index.js'];
      for (var i = 0; i < candidates.length; i++) {
        if (known(candidates[i])) return candidates[i];
      }
    }
    return null;
  }

  function requireFrom(from, path) {
    var bare = path.charAt(0) !== '.' && path.charAt(0) !== '/';
    if (bare) {
      var npm = resolveNpm(from, path);
      if (npm) return load(npm);
      // (not in miniprogram_npm: beside the requiring file, else from the root)
      var beside = resolve(from, path);
      return load(known(beside) ? beside : resolve('', path));
    }
    return load(resolve(from, path));
  }

  function load(path) {
    if (modules[path]) return modules[path].exports;
    var factory = factories[path];
    if (!factory) {
      if (loadErrors[path]) throw new Error('module "' + path + '" could not be loaded: ' + loadErrors[path]);
      if (expected[path]) throw new Error('module "' + path + '" could not be loaded');
      throw new Error('module "' + path + '" is not defined');
    }
    var module = { exports: {}, id: path };
    modules[path] = module;
    var require = function (p) { return requireFrom(path, p); };
    /** require.async(path): a Promise of the module (for subpackage modules in WeChat). */
    require.async = function (p) {
      return new Promise(function (done, fail) {
        try { done(require(p)); } catch (err) { fail(err); }
      });
    };
    loadingPaths.push(path);
    try {
      factory.call(module.exports, require, module, module.exports);
    } catch (err) {
      // Not kept: the next require runs it again (and names this error again).
      delete modules[path];
      throw err;
    } finally {
      loadingPaths.pop();
    }
    return module.exports;
  }

  var copy = window.__wxmlDataPath.copy;
  var keep = window.__wxmlDataPath.keep;
  var toRender = window.__wxmlDataPath.toRender;

  // setData's path keys: assets/wxml/data_path.js, loaded first.
  var setPath = window.__wxmlDataPath.set;

  function createInstance(route, webviewId, query) {
    var definition = pageDefinitions[route];
    if (!definition) {
      loadingRoute = route;
      try {
        load(route + '.js');
      } finally {
        loadingRoute = null;
      }
      definition = pageDefinitions[route];
      // (its module ran before as a custom component's, used by another page: the same
      // Component() definition makes the page, as in WeChat)
      if (!definition && componentDefinitions[route]) {
        definition = pageDefinitions[route] = window.__wxmlComponent.asPage(componentDefinitions[route]);
      }
      if (!definition) throw new Error('page "' + route + '" did not call Page() or Component()');
    }
    var page = {};
    Object.keys(definition).forEach(function (key) {
      if (key !== 'data') page[key] = definition[key];
    });
    page.data = keep(definition.data || {});
    // A page built with Component(): its properties take the query's values.
    if (typeof definition.__propertiesFromQuery === 'function') definition.__propertiesFromQuery(page.data, query);
    page.route = route;
    page.options = copy(query || {});
    // Every entry of getCurrentPages() names its webview as webViewId, on both page kinds.
    page.webViewId = webviewId;
    page.renderer = 'webview';
    /** The channel to the page that opened this one with navigateTo({events}). */
    page.getOpenerEventChannel = function () { return window.__superapp.eventChannel('opened', webviewId); };
    /** The custom components of the page's own template that a selector names. */
    page.selectComponent = function (selector) { return window.__wxmlSelectComponents(webviewId, 0, selector, false); };
    page.selectAllComponents = function (selector) { return window.__wxmlSelectComponents(webviewId, 0, selector, true); };
    page.getPageId = function () { return 'pageId-' + webviewId; };
    /** The custom tab bar's instance on this tab page (app.json tabBar.custom), else null. */
    page.getTabBar = function () { return window.__wxmlSelectComponents(webviewId, 0, 'custom-tab-bar', false); };
    page.animate = function (selector, keyframes, duration, last) {
      window.__wxmlAnimate(webviewId, 0, selector, keyframes, duration, last);
    };
    page.clearAnimation = function (selector, options, callback) {
      window.__wxmlClearAnimation(webviewId, 0, selector, options, callback);
    };
    // wx.worklet's animated styles (assets/worklet.js), drawn by the render layer.
    var animatedStyles = {};
    var sendStyle = function (selector, style) { window.__wxmlAnimatedStyle(webviewId, 0, selector, style); };
    page.applyAnimatedStyle = function (selector, updater, config, callback) {
      return window.__superappWorklet.applyAnimatedStyle(animatedStyles, sendStyle, selector, updater, config, callback);
    };
    page.clearAnimatedStyle = function (selector, ids, callback) {
      window.__superappWorklet.clearAnimatedStyle(animatedStyles, sendStyle, selector, ids, callback);
    };
    page.createIntersectionObserver = function (options) { return window.wx.createIntersectionObserver(page, options); };
    /** A selector query of this page (`this.createSelectorQuery()`, as components have). */
    page.createSelectorQuery = function () { return window.wx.createSelectorQuery(); };
    page.setData = function (changes, callback) {
      if (changes === null || typeof changes !== 'object') throw new TypeError('setData(changes: object, callback?)');
      var sent = {};
      Object.keys(changes).forEach(function (path) {
        // (functions and class objects stay as they are in the page's data; the render
        // layer gets references to them: data_path.js)
        var value = keep(changes[path]);
        setPath(page.data, path, value);
        sent[path] = toRender(value, webviewId);
      });
      var seq = nextSeq++;
      if (typeof callback === 'function') pendingCallbacks[seq] = [callback, page];
      sink({ webviewId: webviewId, seq: seq, data: sent });
    };
    /** Runs `fn`; its setData calls (and its components') reach the render layer in one
     *  go, as they do here anyway (WeChat's `groupSetData`). */
    page.groupSetData = function (fn) { if (typeof fn === 'function') fn.call(page); };
    live[webviewId] = page;
    return page;
  }

  window.__wxmlLogic = Object.freeze({
    /** Defines a package file's module (run once, when first required). */
    define: function (path, factory) { factories[path] = factory; },
    /** Names the package's JS files (the last script): one missing had a load error. */
    expect: function (paths) { paths.forEach(function (p) { expected[p] = true; }); },
    /** Requires a module by package path (`utils/util.js`). */
    require: function (path) { return load(resolve('', path)); },
    /** Creates the instance of a page; runs its JS the first time its route is used. */
    createPage: createInstance,
    /** The page instance of a webview (on the stack or a tab page kept alive). */
    page: function (webviewId) {
      return live[webviewId];
    },
    /** Drops a page instance (it was unloaded). */
    removePage: function (webviewId) {
      delete live[webviewId];
      window.__wxmlDataPath.forget(webviewId);
    },
    /** The page stack (webview ids, home first); getCurrentPages() follows it. Instances
     *  off the stack (tab pages kept alive, pages about to unload) stay alive. */
    setStack: function (ids) {
      stackIds = ids.slice();
    },
    /** The definition a custom component's JS gives Component() (its JS runs the first
     *  time), by the component's path (`components/card/card`). */
    componentDefinition: function (path) {
      if (!componentDefinitions[path]) load(path + '.js');
      if (!componentDefinitions[path]) throw new Error('component "' + path + '" did not call Component()');
      return componentDefinitions[path];
    },
    /** Receives every setData: fn({webviewId, seq, data}). */
    onSetData: function (fn) { sink = fn; },
    /** The render layer has rendered setData `seq`: its callback runs. */
    rendered: function (seq) {
      var pending = pendingCallbacks[seq];
      delete pendingCallbacks[seq];
      if (pending) pending[0].call(pending[1]);
    }
  });

  /** Registers the App object (app.js): one for the whole mini program. */
  window.App = function (object) {
    appObject = object || {};
    if (!appObject.globalData) appObject.globalData = {};
  };
  /** The App object, shared by every page. */
  window.getApp = function () { return appObject || undefined; };
  /** Registers the page whose JS is running. */
  window.Page = function (object) {
    if (!loadingRoute) throw new Error('Page() must be called from a page\'s own JS file');
    // (with `behaviors`: component.js mixes them in, when it is loaded)
    var component = window.__wxmlComponent;
    pageDefinitions[loadingRoute] = component ? component.pageWithBehaviors(object || {}) : object || {};
  };
  /** Component(definition): a page built with it (when its page's JS is running), else
   *  a custom component's definition, kept by module for the render layer. */
  window.Component = function (definition) {
    var routeOfModule = loadingPaths.length ? loadingPaths[loadingPaths.length - 1].replace(/\.js$/, '') : null;
    if (loadingRoute && routeOfModule === loadingRoute) {
      pageDefinitions[loadingRoute] = window.__wxmlComponent.asPage(definition || {});
      return;
    }
    if (routeOfModule) componentDefinitions[routeOfModule] = window.__wxmlComponent.filtered(definition || {});
  };
  /** Behavior(definition): a mixin for Component({behaviors}). */
  window.Behavior = function (definition) { return window.__wxmlComponent.Behavior(definition); };
  /** The page instances, home first, current last. */
  window.getCurrentPages = function () {
    return stackIds.map(function (id) { return live[id]; }).filter(Boolean);
  };
})();
