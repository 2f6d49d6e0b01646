// superapp-shell automation agent: what WeChat's miniprogram-automator asks of a page, done
// inside the webview. Injected after the bridge into every webview of a run with automation
// on (`superapp auto`, `--auto-port`, the Rust `testing` harness). The shell sends
//   {type: 'automation', seq, op, args}
// and the agent answers {type: 'automationDone', seq, ok, value | error} exactly once. It
// also reports calls of exposed functions ('automationBinding'). Console calls and errors
// reach the automator from the shell's one capture (assets/console.js).
//
// Elements: CSS selectors (or XPath) over what the page renders. On a WXML render webview
// the type selectors are WXML names (`view` is the DOM's `wx-view`) and tagName is the WXML
// name. Element ids stay valid while the element is in the document.
(function () {
  'use strict';
  var sa = window.__superapp;
  if (!sa || window.__superappAgent) return;
  var config = sa.config.automation || {};
  var isRender = function () { return !!window.__wxmlRender; };
  var logic = function () { return window.__wxmlLogic; };

  function post(message) {
    sa.post(message);
  }

  // Any value as JSON (what cannot be encoded becomes its string).
  function plain(value) {
    if (value === undefined) return null;
    try {
      return JSON.parse(JSON.stringify(value));
    } catch (err) {
      return String(value);
    }
  }

  // ---- bindings (miniProgram.exposeFunction) ------------------------------------------

  function addBinding(name) {
    window[name] = function () {
      post({ type: 'automationBinding', name: name, args: plain(Array.prototype.slice.call(arguments)) });
    };
  }
  (config.bindings || []).forEach(addBinding);

  // ---- wx methods: call and mock ------------------------------------------------------

  function compile(declaration) {
    // eslint-disable-next-line no-eval
    var fn = (0, eval)('(' + declaration + ')');
    if (typeof fn !== 'function') throw new Error('functionDeclaration is not a function');
    return fn;
  }

  var SYNC = /Sync$|^(getWindowInfo|getDeviceInfo|getAppBaseInfo|getCurrentPages|createSelectorQuery)$/;
  function isSync(method) {
    return SYNC.test(method);
  }

  // Calls wx[method](...args) as the mini program's code would: a sync API answers with
  // its return value; an async one with its success object, or fails with its errMsg.
  function callWxMethod(method, args) {
    var fn = window.wx && window.wx[method];
    if (typeof fn !== 'function') return Promise.reject(new Error('wx.' + method + ' is not a function'));
    if (isSync(method)) return Promise.resolve(fn.apply(window.wx, args));
    return new Promise(function (resolve, reject) {
      var options = Object.assign({}, args[0] && typeof args[0] === 'object' ? args[0] : {});
      options.success = function (res) { resolve(res); };
      options.fail = function (res) { reject(new Error(res && res.errMsg ? res.errMsg : method + ':fail')); };
      var rest = args.slice(1);
      var returned = fn.apply(window.wx, [options].concat(rest));
      if (returned && typeof returned.then === 'function') returned.then(null, function () {});
    });
  }

  var originals = Object.create(null);
  function mock(method, spec) {
    var wx = window.wx || (window.wx = {});
    if (!(method in originals)) originals[method] = wx[method];
    var origin = originals[method];
    var run;
    if (spec.declaration !== undefined) {
      var fn = compile(spec.declaration);
      var extra = spec.args || [];
      run = function (callArgs) { return fn.apply({ origin: origin }, callArgs.concat(extra)); };
    } else {
      run = function () { return plain(spec.result); };
    }
    wx[method] = function () {
      var callArgs = Array.prototype.slice.call(arguments);
      if (isSync(method)) return run(callArgs);
      var options = callArgs[0] && typeof callArgs[0] === 'object' ? callArgs[0] : {};
      var answer = Promise.resolve().then(function () { return run(callArgs); });
      var routed = answer.then(function (res) {
        // An async API's answer always has an errMsg, mocked or not.
        if (res && typeof res === 'object' && !Array.isArray(res) && typeof res.errMsg !== 'string') {
          res = Object.assign({}, res, { errMsg: method + ':ok' });
        }
        if (typeof options.success === 'function') options.success(res);
        if (typeof options.complete === 'function') options.complete(res);
        return res;
      }, function (err) {
        var res = { errMsg: method + ':fail ' + (err && err.message ? err.message : String(err)) };
        if (typeof options.fail === 'function') options.fail(res);
        if (typeof options.complete === 'function') options.complete(res);
        throw res;
      });
      var callbacks = ['success', 'fail', 'complete'].some(function (k) { return typeof options[k] === 'function'; });
      if (callbacks) {
        routed.then(null, function () {});
        return undefined;
      }
      return routed;
    };
  }
  function restore(method) {
    if (!(method in originals)) return;
    if (window.wx) window.wx[method] = originals[method];
    delete originals[method];
  }
  (config.mocks || []).forEach(function (m) { mock(m.method, m); });

  // ---- elements -----------------------------------------------------------------------

  var elements = new Map();
  var nextElement = 1;
  var idOf = new WeakMap();

  function register(el) {
    var id = idOf.get(el);
    if (!id) {
      id = nextElement++;
      idOf.set(el, id);
      elements.set(id, el);
    }
    var described = { elementId: id, tagName: tagName(el) };
    // A custom component's host: its instance (in the logic context) is node `nodeId`.
    if (el.__wx && el.__wx.comp) described.nodeId = el.__wx.comp.id;
    // A video: the automator's ContextElement (callContextMethod).
    if (el.localName === 'wx-video') described.videoId = el.id || String(id);
    return described;
  }

  function element(id) {
    var el = elements.get(id);
    if (!el || !el.isConnected) {
      elements.delete(id);
      throw new Error('element ' + id + ' is no longer on the page');
    }
    return el;
  }

  function tagName(el) {
    var name = el.localName;
    return isRender() && name.indexOf('wx-') === 0 ? name.slice(3) : name;
  }

  // WXML type selectors name components (`view`): the DOM's are `wx-view` (the bridge's
  // domSelector does the rewrite, for pageScrollTo too).
  function wxmlSelector(selector) {
    return sa.domSelector(selector);
  }

  // The same for XPath: each element name test (`//view`, `[text]`, `child::view`) becomes
  // `wx-view`; attributes (`@id`), functions and node tests (`text()`), axes (`child::`),
  // the operators (`and`, `or`, `div`, `mod`), numbers and quoted strings stay.
  function wxmlXpath(xpath) {
    if (!isRender()) return xpath;
    var out = '';
    var before = '';  // the last character outside whitespace, '' at the start
    var quote = null;
    for (var i = 0; i < xpath.length; i++) {
      var c = xpath[i];
      if (quote) {
        out += c;
        if (c === quote) { quote = null; before = c; }
        continue;
      }
      if (c === '"' || c === "'") { quote = c; out += c; continue; }
      if (/[a-zA-Z_]/.test(c)) {
        var name = /^[a-zA-Z_][\w.-]*/.exec(xpath.slice(i))[0];
        var rest = xpath.slice(i + name.length).replace(/^\s+/, '');
        var isStep = before === '' || /[\/\[(|,:]/.test(before);
        var isNameTest = isStep && before !== '@' && rest[0] !== '(' && rest.slice(0, 2) !== '::';
        var keep = name.indexOf('wx-') === 0 || name === 'html' || name === 'body';
        out += isNameTest && !keep ? 'wx-' + name : name;
        i += name.length - 1;
        // After an operator another name test may come (`[a and b]`).
        var operator = !isNameTest && /^(and|or|div|mod)$/.test(name);
        before = operator ? '|' : name[name.length - 1];
        continue;
      }
      out += c;
      if (!/\s/.test(c)) before = c;
    }
    return out;
  }

  // What a page shows: its body (a WXML page's rendered tree, and the shell's error box
  // over it when the page failed to load).
  function root() {
    return document.body || document.documentElement;
  }

  function query(scope, selector, single, xpath) {
    var found = [];
    if (xpath) {
      var result = document.evaluate(wxmlXpath(selector), scope, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
      for (var i = 0; i < result.snapshotLength; i++) {
        if (result.snapshotItem(i).nodeType === 1) found.push(result.snapshotItem(i));
      }
    } else {
      if (window.__wxmlRender && window.__wxmlRender.select) {
        // Inside a custom component, its class names as it scopes them; `a >>> b` crosses
        // into the components `a` finds, as WeChat's selectors do.
        found = window.__wxmlRender.select(scope, String(selector));
      } else {
        found = Array.prototype.slice.call(scope.querySelectorAll(wxmlSelector(selector)));
      }
    }
    found = found.filter(function (el) { return !el.__wxInternal; });
    if (single) {
      if (!found.length) throw new Error('no element matches ' + JSON.stringify(selector));
      return register(found[0]);
    }
    return { elements: found.map(register) };
  }

  function escape(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  // WXML-like markup of what an element shows: component names, its attributes (not
  // handlers), its text; the inner parts of built-in components are left out.
  function wxml(el, outer) {
    var inner = Array.prototype.map.call(el.childNodes, function (n) {
      if (n.nodeType === 3) return escape(n.nodeValue);
      if (n.nodeType !== 1 || n.__wxInternal) return '';
      return wxml(n, true);
    }).join('');
    if (!outer) return inner;
    var attrs = el.__wx ? el.__wx.attrs : null;
    var names = attrs ? Object.keys(attrs) : Array.prototype.map.call(el.attributes, function (a) { return a.name; });
    var text = names.filter(function (name) {
      return !/^(bind|catch|capture-bind|capture-catch|mut-bind)/.test(name) && name.indexOf('wx:') !== 0;
    }).map(function (name) {
      var value = attrs ? attrs[name] : el.getAttribute(name);
      return ' ' + name + '="' + escape(value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : value) + '"';
    }).join('');
    var tag = tagName(el);
    return '<' + tag + text + '>' + inner + '</' + tag + '>';
  }

  // The public properties of a component, as DevTools lists them in `__propPublic`.
  function properties(el) {
    var props = {};
    var attrs = el.__wx ? el.__wx.attrs : {};
    Object.keys(attrs).forEach(function (name) {
      if (!/^(bind|catch|capture-|mut-bind|data-|wx:)/.test(name)) props[name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); })] = plain(attrs[name]);
    });
    var field = el.__wx && el.__wx.inner;
    if (field && 'value' in field) props.value = field.value;
    if (!el.__wx && 'value' in el) props.value = el.value;
    if (!el.__wx && 'checked' in el) props.checked = el.checked;
    // (a movable-view's position, as WeChat's automator reads it)
    if (el.__wx && el.__wx.moveTo) { props._translateX = el.__wx.x; props._translateY = el.__wx.y; }
    return props;
  }

  function center(el) {
    var r = el.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }

  function mouse(el, type, at, buttons) {
    el.dispatchEvent(new MouseEvent(type, {
      bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, button: 0, buttons: buttons, view: window
    }));
  }

  function fire(el, type, detail) {
    if (isRender()) {
      window.__wxmlRender.fire(type, el, detail || {});
      return;
    }
    el.dispatchEvent(new CustomEvent(type, { bubbles: true, cancelable: true, detail: detail || {} }));
  }

  // ---- page instances (data and methods) -----------------------------------------------

  function instance(pageId) {
    var page = logic() ? logic().page(pageId) : sa.page();
    if (!page) throw new Error('page ' + pageId + ' has no Page() instance');
    return page;
  }

  function component(pageId, nodeId) {
    var c = window.__wxmlComponentInstance && window.__wxmlComponentInstance(pageId, nodeId);
    if (!c) throw new Error('page ' + pageId + ' has no component node ' + nodeId);
    return c;
  }

  // The value at a setData path ('list[1].x'), parsed as setData parses it.
  function getPath(data, path) {
    return window.__wxmlDataPath.parse(path).reduce(function (value, key) {
      return value === undefined || value === null ? undefined : value[key];
    }, data);
  }

  // ---- the operations -------------------------------------------------------------------

  var ops = {
    callFunction: function (a) {
      var fn = compile(a.functionDeclaration);
      return Promise.resolve(fn.apply(null, a.args || [])).then(function (v) { return { result: plain(v) }; });
    },
    callWxMethod: function (a) {
      return callWxMethod(a.method, a.args || []).then(function (v) { return { result: plain(v) }; });
    },
    mock: function (a) {
      if (a.restore) restore(a.method);
      else mock(a.method, a);
      return {};
    },
    addBinding: function (a) {
      addBinding(a.name);
      return {};
    },
    getElements: function (a) {
      var scope = a.elementId ? element(a.elementId) : root();
      return query(scope, a.selector, a.single, a.xpath);
    },
    getWindowProperties: function (a) {
      return {
        properties: a.names.map(function (name) {
          return plain(name.split('.').reduce(function (v, key) { return v === undefined || v === null ? undefined : v[key]; }, window));
        })
      };
    },
    getData: function (a) {
      var page = instance(a.pageId);
      return { data: plain(a.path ? getPath(page.data, a.path) : page.data) };
    },
    setData: function (a) {
      var page = instance(a.pageId);
      return new Promise(function (resolve) { page.setData(a.data, function () { resolve({}); }); });
    },
    // A custom component's instance (automator's CustomElement): data, setData, callMethod.
    componentData: function (a) {
      var c = component(a.pageId, a.nodeId);
      return { data: plain(a.path ? getPath(c.data, a.path) : c.data) };
    },
    componentSetData: function (a) {
      var c = component(a.pageId, a.nodeId);
      return new Promise(function (resolve) { c.setData(a.data, function () { resolve({}); }); });
    },
    componentCallMethod: function (a) {
      var c = component(a.pageId, a.nodeId);
      if (typeof c[a.method] !== 'function') throw new Error('component ' + c.is + ' has no method ' + a.method);
      return Promise.resolve(c[a.method].apply(c, a.args || [])).then(function (result) { return { result: plain(result) }; });
    },
    callMethod: function (a) {
      var page = instance(a.pageId);
      if (typeof page[a.method] !== 'function') throw new Error('page ' + a.pageId + ' has no method ' + a.method);
      return Promise.resolve(page[a.method].apply(page, a.args || [])).then(function (result) { return { result: plain(result) }; });
    },
    getWXML: function (a) {
      return { wxml: wxml(element(a.elementId), a.outer) };
    },
    getAttributes: function (a) {
      var el = element(a.elementId);
      var attrs = el.__wx ? el.__wx.attrs : null;
      return {
        attributes: a.names.map(function (name) {
          if (attrs) return name in attrs ? plain(attrs[name]) : null;
          return el.getAttribute(name);
        })
      };
    },
    getStyles: function (a) {
      var style = getComputedStyle(element(a.elementId));
      return { styles: a.names.map(function (name) { return style.getPropertyValue(name) || style[name] || ''; }) };
    },
    getDOMProperties: function (a) {
      var el = element(a.elementId);
      return { properties: a.names.map(function (name) { return plain(el[name]); }) };
    },
    getProperties: function (a) {
      var el = element(a.elementId);
      var props = properties(el);
      return {
        properties: a.names.map(function (name) {
          if (name === '__propPublic') {
            var pub = {};
            Object.keys(props).forEach(function (k) { pub[k] = true; });
            return pub;
          }
          return name in props ? props[name] : null;
        })
      };
    },
    getOffset: function (a) {
      var r = element(a.elementId).getBoundingClientRect();
      return { left: Math.round(r.left + window.scrollX), top: Math.round(r.top + window.scrollY) };
    },
    tap: function (a) {
      var el = element(a.elementId);
      var at = center(el);
      // A click at the element, as a mouse gives it: a WXML tap (and a navigator's
      // navigation), or an HTML click.
      if (el.__wx) {
        mouse(el, 'click', at, 0);
      } else {
        el.click();
      }
      return {};
    },
    longpress: function (a) {
      var el = element(a.elementId);
      fire(el, 'longpress', center(el));
      return {};
    },
    touch: function (a) {
      var el = element(a.elementId);
      var at = center(el);
      var p = a.params || {};
      var t = (p.touches && p.touches[0]) || (p.changedTouches && p.changedTouches[0]);
      if (t) at = { x: t.clientX !== undefined ? t.clientX : t.pageX, y: t.clientY !== undefined ? t.clientY : t.pageY };
      var type = { touchstart: 'mousedown', touchmove: 'mousemove', touchend: 'mouseup' }[a.type];
      mouse(el, type, at, a.type === 'touchend' ? 0 : 1);
      return {};
    },
    triggerEvent: function (a) {
      fire(element(a.elementId), a.type, a.detail);
      return {};
    },
    dispatchEvent: function (a) {
      fire(element(a.elementId), a.eventName, a.detail);
      return {};
    },
    // A video's context method (VideoContext: play, pause, stop, seek...).
    callContextMethod: function (a) {
      var why = window.__superappMediaCall(element(a.elementId), a.method, a.args || []);
      if (why) throw new Error(why);
      return { result: null };
    },
    // The built-in controls' functions, as WeChat's automator calls them (switch.tap,
    // slider.slideTo, swiper.swipeTo, scroll-view.scrollTo...): each acts through the
    // control itself, so its events fire as a person's use would fire them.
    elementFunction: function (a) {
      var el = element(a.elementId);
      var args = a.args || [];
      var st = el.__wx || {};
      var tag = tagName(el);
      var want = a.name.split('.')[0];
      if (tag !== want) throw new Error(a.name + ' needs a ' + want + ' element, got ' + tag);
      switch (a.name) {
        case 'switch.tap':
          mouse(el, 'click', center(el), 0);
          return { result: null };
        case 'slider.slideTo':
          var range = st.inners && st.inners.main;
          if (!range) throw new Error('the slider is not drawn');
          range.value = String(args[0]);
          range.dispatchEvent(new Event('input', { bubbles: true }));
          range.dispatchEvent(new Event('change', { bubbles: true }));
          return { result: null };
        case 'swiper.swipeTo':
          if (typeof st.go !== 'function') throw new Error('the swiper is not drawn');
          st.go(Number(args[0]), 'touch');
          return { result: null };
        case 'scroll-view.scrollTo':
          el.scrollTo(Number(args[0]) || 0, Number(args[1]) || 0);
          return { result: null };
        case 'scroll-view.scrollTop': return { result: el.scrollTop };
        case 'scroll-view.scrollLeft': return { result: el.scrollLeft };
        case 'scroll-view.scrollWidth': return { result: el.scrollWidth };
        case 'scroll-view.scrollHeight': return { result: el.scrollHeight };
        case 'movable-view.moveTo':
          if (typeof st.moveTo !== 'function') throw new Error('the movable-view is not drawn');
          st.moveTo(Number(args[0]) || 0, Number(args[1]) || 0, 'touch', false);
          return { result: null };
      }
      throw new Error('unknown element function ' + a.name);
    },
    input: function (a) {
      var el = element(a.elementId);
      // A picker takes what a person would choose in it: a row index (selector), the
      // rows of its columns as JSON (multiSelector), or the text of a date or time.
      if (tagName(el) === 'picker') {
        var box = el.__wx && el.__wx.inners && el.__wx.inners.main;
        if (!box) throw new Error('the picker is not drawn');
        var given = a.args && a.args.length ? String(a.args[0]) : '';
        var controls = Array.prototype.slice.call(box.childNodes);
        if (controls[0] && controls[0].localName === 'input') {
          controls[0].value = given;
          controls[0].dispatchEvent(new Event('change'));
          return {};
        }
        var rows = controls.length > 1 ? JSON.parse(given) : [Number(given)];
        controls.forEach(function (select, i) {
          if (rows[i] === undefined || select.selectedIndex === Number(rows[i])) return;
          select.selectedIndex = Number(rows[i]);
          select.dispatchEvent(new Event('change'));
        });
        return {};
      }
      var field = el.__wx ? el.__wx.inner : el;
      if (!field || !('value' in field)) throw new Error(tagName(el) + ' takes no input');
      field.value = a.args && a.args.length ? String(a.args[0]) : '';
      field.dispatchEvent(new Event('input', { bubbles: true }));
      return {};
    }
  };

  // (superapp smoke adds its own operations here: assets/smoke/inspect.js)
  window.__superappAgentOps = ops;
  window.__superappAgentRegister = register;

  function errorMessage(err) {
    if (err && typeof err.message === 'string') return err.message;
    if (err && typeof err.errMsg === 'string') return err.errMsg;
    return String(err);
  }

  sa.on('automation', function (m) {
    var done = function (ok, value) {
      post(ok ? { type: 'automationDone', seq: m.seq, ok: true, value: plain(value) }
              : { type: 'automationDone', seq: m.seq, ok: false, error: errorMessage(value) });
    };
    try {
      var op = ops[m.op];
      if (!op) throw new Error('unknown automation operation ' + m.op);
      var out = op(m.args || {});
      if (out && typeof out.then === 'function') out.then(function (v) { done(true, v); }, function (e) { done(false, e); });
      else done(true, out);
    } catch (err) {
      done(false, err);
    }
  });

  window.__superappAgent = true;
})();
