// Non-ASCII identifiers: states, fields and payload fields may use any Unicode letters
// (草稿 = draft). Diagnostics point at them and suggest them like ASCII names. Event
// names are strings and may be in any script.
state machine "请假审批" {
  context { 申请人: string  天数: int  reviewers: list<string> }
  events { "提交", "分配", "批准" { 审批意见: string }, "驳回", "entwurf", "étape", "abbrechen", "加急", "确认" }
  initial: 草稿
  states: [草稿, 已提交, 审批中, 已批准, 已驳回, Ünterlage, ÉTAPE_2]
  final: [已批准, 已驳回]
  transitions {
    草稿 → 已提交 on "提交" if 天数 > 0 && 申请人 != ""
    已提交 → 审批中 on "分配"
    审批中 → 已批准 on "批准" if event.审批意见 != "" && hasQuorum()
    审批中 → 已驳回 on "驳回"
    草稿 → Ünterlage on "entwurf"
    Ünterlage → ÉTAPE_2 on "étape"
    ÉTAPE_2 → 已驳回 on "abbrechen"
    审批中 → 已批淮 on "加急"  // expect: error[E0201] did you mean `已批准`?
    审批中 → 已批准 on "确认" if 天数 < 申请天数  // expect: error[E0304] unknown name `申请天数`
    审批中 → 已驳回 on "批准" if event.审批意件 == ""  // expect: error[E0305] did you mean `审批意见`?
  }
}

// Edit distance counts characters, not UTF-8 bytes: a one-character slip in a one- or
// two-character CJK name is still suggested.
state machine "短名称" {
  context { 金额: int }
  events { "批准" { 意见: string }, "提交", "关闭" }
  initial: 草稿
  states: [草稿, 完成]
  transitions {
    草稿 → 完成 on "批准" if event.意件 != ""  // expect: error[E0305] did you mean `意见`?
    草稿 → 完成 on "提交" if 全额 > 0  // expect: error[E0304] did you mean `金额`?
    草稿 → 完戍 on "关闭"  // expect: error[E0201] did you mean `完成`?
    草稿 → 完成 on "批淮"  // expect: warning[W0303] did you mean `批准`?
  }
}
