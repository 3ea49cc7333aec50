// Valid: a machine written with Chinese state names, fields and events. No diagnostics.
state machine "请假审批" {
  context { 申请人: string  天数: int  审批人: list<string> }
  events { "提交", "分配", "批准" { 意见: string }, "驳回", "撤回" }
  quorum: 60% of 审批人
  initial: 草稿
  states: [草稿, 已提交, 审批中, 已批准, 已驳回]
  final: [已批准, 已驳回]
  transitions {
    草稿 → 已提交 on "提交" if 天数 > 0 && 申请人 != ""
    已提交 → 审批中 on "分配" → 通知审批人(审批人)
    审批中 → 已批准 on "批准" if event.意见 != "" && hasQuorum() → emit("已批准通知")
    审批中 → 已驳回 on "驳回"
    * → 已驳回 on "撤回" if event.actor == 申请人
  }
  routes {
    "提交" → "校验服务"
    "已批准通知" → "通知服务, 审计服务"
  }
}
