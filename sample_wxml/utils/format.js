// A module: one instance for the whole mini program, shared by its pages.
let calls = 0;
module.exports = {
  price(cents) {
    calls++;
    return '¥' + (cents / 100).toFixed(2);
  },
  calls() {
    return calls;
  }
};
