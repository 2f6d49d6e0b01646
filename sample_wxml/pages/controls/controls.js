// The built-in controls and a custom component (components/stepper), in one form.
Page({
  data: { cups: 1, when: 0, times: ['Now', 'In 10 minutes', 'In an hour'], tips: ['Swipe for tips', 'Green tea: 80°C', 'Black tea: 90°C'], last: '', tip: 0 },
  cupsChanged(e) { this.setData({ cups: e.detail.value }); },
  changed(e) {
    var field = e.currentTarget.dataset.field;
    if (field === 'when') this.setData({ when: e.detail.value });
    this.setData({ last: field + ': ' + JSON.stringify(e.detail.value) });
  },
  swiped(e) { this.setData({ tip: e.detail.current }); },
  submit(e) { this.setData({ last: 'order ' + JSON.stringify(Object.assign({ cups: this.data.cups }, e.detail.value)) }); },
  reset() { this.setData({ last: 'cleared' }); }
});
