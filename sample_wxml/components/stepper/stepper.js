// A custom component: a number the buttons step between min and max. It tells its page
// with triggerEvent('change', {value}).
Component({
  properties: {
    label: String,
    value: { type: Number, value: 0 },
    min: { type: Number, value: 0 },
    max: { type: Number, value: 10 }
  },
  methods: {
    step(by) {
      var next = Math.min(this.data.max, Math.max(this.data.min, this.data.value + by));
      if (next === this.data.value) return;
      this.setData({ value: next });
      this.triggerEvent('change', { value: next });
    },
    less() { this.step(-1); },
    more() { this.step(1); }
  }
});
