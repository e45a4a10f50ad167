; ModuleID = "matmul_f16"
target triple = "<host>"
target datalayout = "<host>"

define void @"matmul_f16"(ptr noalias %"a", ptr noalias %"b", ptr noalias %"c")
{
entry:
  %"m" = alloca i64
  %"n" = alloca i64
  %"acc1" = alloca <16 x float>
  %"k" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"m"
  br label %"m.head"
m.head:
  %".7" = load i64, i64* %"m"
  %".8" = icmp slt i64 %".7", 4096
  br i1 %".8", label %"m.body", label %"m.done"
m.body:
  store i64 0, i64* %"n"
  br label %"n.head"
m.done:
  ret void
n.head:
  %".12" = load i64, i64* %"n"
  %".13" = icmp slt i64 %".12", 4096
  br i1 %".13", label %"n.body", label %"n.done"
n.body:
  %".15" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float 0x8000000000000000, i32 0
  %".16" = shufflevector <16 x float> %".15", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <16 x float> %".16", <16 x float>* %"acc1"
  store i64 0, i64* %"k"
  br label %"k.head"
n.done:
  %".57" = load i64, i64* %"m"
  %".58" = add nsw nuw i64 %".57", 1
  store i64 %".58", i64* %"m"
  br label %"m.head"
k.head:
  %".20" = load i64, i64* %"k"
  %".21" = icmp slt i64 %".20", 4096
  br i1 %".21", label %"k.body", label %"k.done"
k.body:
  %".23" = load <16 x float>, <16 x float>* %"acc1"
  %".24" = load i64, i64* %"k"
  %".25" = load i64, i64* %"m"
  %".26" = mul i64 %".25", 4096
  %".27" = add i64 %".24", %".26"
  %".28" = getelementptr inbounds half, ptr %"a", i64 %".27"
  %".29" = load half, ptr %".28", align 2
  %".30" = fpext half %".29" to float
  %".31" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float %".30", i32 0
  %".32" = shufflevector <16 x float> %".31", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".33" = mul i64 %".24", 4096
  %".34" = load i64, i64* %"n"
  %".35" = add i64 %".33", %".34"
  %".36" = getelementptr inbounds half, ptr %"b", i64 %".35"
  %".37" = load <16 x half>, ptr %".36", align 2
  %".38" = fpext <16 x half> %".37" to <16 x float>
  %".39" = fmul <16 x float> %".32", %".38"
  %".40" = fadd <16 x float> %".23", %".39"
  store <16 x float> %".40", <16 x float>* %"acc1"
  %".42" = load i64, i64* %"k"
  %".43" = add nsw nuw i64 %".42", 1
  store i64 %".43", i64* %"k"
  br label %"k.head"
k.done:
  %".46" = load <16 x float>, <16 x float>* %"acc1"
  %".47" = load i64, i64* %"m"
  %".48" = mul i64 %".47", 4096
  %".49" = load i64, i64* %"n"
  %".50" = add i64 %".48", %".49"
  %".51" = getelementptr inbounds float, ptr %"c", i64 %".50"
  store <16 x float> %".46", ptr %".51", align 4
  %".53" = load i64, i64* %"n"
  %".54" = add nsw nuw i64 %".53", 16
  store i64 %".54", i64* %"n"
  br label %"n.head"
}
