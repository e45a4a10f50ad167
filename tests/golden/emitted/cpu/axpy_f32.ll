; ModuleID = "axpy_f32"
target triple = "<host>"
target datalayout = "<host>"

define void @"axpy_f32"(ptr noalias %"alpha", ptr noalias %"x", ptr noalias %"y", ptr noalias %"out")
{
entry:
  %"i" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".8" = load i64, i64* %"i"
  %".9" = icmp slt i64 %".8", 65536
  br i1 %".9", label %"i.body", label %"i.done"
i.body:
  %".11" = getelementptr inbounds float, ptr %"alpha", i64 0
  %".12" = load float, ptr %".11", align 4
  %".13" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float %".12", i32 0
  %".14" = shufflevector <16 x float> %".13", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".15" = load i64, i64* %"i"
  %".16" = getelementptr inbounds float, ptr %"x", i64 %".15"
  %".17" = load <16 x float>, ptr %".16", align 4
  %".18" = fmul <16 x float> %".14", %".17"
  %".19" = getelementptr inbounds float, ptr %"y", i64 %".15"
  %".20" = load <16 x float>, ptr %".19", align 4
  %".21" = fadd <16 x float> %".18", %".20"
  %".22" = getelementptr inbounds float, ptr %"out", i64 %".15"
  store <16 x float> %".21", ptr %".22", align 4
  %".24" = load i64, i64* %"i"
  %".25" = add nsw nuw i64 %".24", 16
  store i64 %".25", i64* %"i"
  br label %"i.head"
i.done:
  ret void
}
