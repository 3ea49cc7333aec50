// E0102: full-width punctuation typed with a Chinese input method gets a did-you-mean for
// the ASCII character meant (the IME is often on while typing names such as 草稿).
state machine "ime-punctuation" {
  initial： 草稿  // expect: error[E0102] did you mean `:`?
  states: [草稿，完成]  // expect: error[E0102] did you mean `,`?
  transitions {
    草稿 → 完成 on “提交”  // expect: error[E0102] unexpected character `“` expect: error[E0102] unexpected character `”`
    草稿 → 完成 on "通知" → notify（）  // expect: error[E0102] did you mean `(`? expect: error[E0102] did you mean `)`?
  }
}
