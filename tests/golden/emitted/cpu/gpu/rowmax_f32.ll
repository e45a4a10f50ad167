; ModuleID = "rowmax_f32"
target triple = "<host>"
target datalayout = "<host>"

define void @"rowmax_f32"(ptr noalias %"x", ptr noalias %"out")
{
entry:
  %"r" = alloca i64
  %"acc1" = alloca float
  %"j" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"r"
  br label %"r.head"
r.head:
  %".6" = load i64, i64* %"r"
  %".7" = icmp slt i64 %".6", 16384
  br i1 %".7", label %"r.body", label %"r.done"
r.body:
  %".9" = load i64, i64* %"r"
  %".10" = mul i64 %".9", 4096
  %".11" = getelementptr inbounds float, ptr %"x", i64 %".10"
  %".12" = load float, ptr %".11", align 4
  store float %".12", float* %"acc1"
  store i64 0, i64* %"j"
  br label %"j.head"
r.done:
  ret void
j.head:
  %".16" = load i64, i64* %"j"
  %".17" = icmp slt i64 %".16", 4096
  br i1 %".17", label %"j.body", label %"j.done"
j.body:
  %".19" = load float, float* %"acc1"
  %".20" = load i64, i64* %"j"
  %".21" = add i64 %".20", %".10"
  %".22" = getelementptr inbounds float, ptr %"x", i64 %".21"
  %".23" = load float, ptr %".22", align 4
  %".24" = fcmp olt float %".19", %".23"
  %".25" = select  i1 %".24", float %".23", float %".19"
  store float %".25", float* %"acc1"
  %".27" = load i64, i64* %"j"
  %".28" = add nsw nuw i64 %".27", 1
  store i64 %".28", i64* %"j"
  br label %"j.head"
j.done:
  %".31" = load float, float* %"acc1"
  %".32" = getelementptr inbounds float, ptr %"out", i64 %".9"
  store float %".31", ptr %".32", align 4
  %".34" = load i64, i64* %"r"
  %".35" = add nsw nuw i64 %".34", 1
  store i64 %".35", i64* %"r"
  br label %"r.head"
}
