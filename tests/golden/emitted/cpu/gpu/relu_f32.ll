; ModuleID = "relu_f32"
target triple = "<host>"
target datalayout = "<host>"

define void @"relu_f32"(ptr noalias %"x", ptr noalias %"out")
{
entry:
  %"i" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".6" = load i64, i64* %"i"
  %".7" = icmp slt i64 %".6", 67108864
  br i1 %".7", label %"i.body", label %"i.done"
i.body:
  %".9" = load i64, i64* %"i"
  %".10" = getelementptr inbounds float, ptr %"x", i64 %".9"
  %".11" = load <16 x float>, ptr %".10", align 4
  %".12" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float              0x0, i32 0
  %".13" = shufflevector <16 x float> %".12", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".14" = fcmp olt <16 x float> %".11", %".13"
  %".15" = select  <16 x i1> %".14", <16 x float> %".13", <16 x float> %".11"
  %".16" = getelementptr inbounds float, ptr %"out", i64 %".9"
  store <16 x float> %".15", ptr %".16", align 4
  %".18" = load i64, i64* %"i"
  %".19" = add nsw nuw i64 %".18", 16
  store i64 %".19", i64* %"i"
  br label %"i.head"
i.done:
  ret void
}
