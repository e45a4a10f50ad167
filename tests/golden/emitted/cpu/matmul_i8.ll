; ModuleID = "matmul_i8"
target triple = "<host>"
target datalayout = "<host>"

define void @"matmul_i8"(ptr noalias %"a", ptr noalias %"b", ptr noalias %"c")
{
entry:
  %"m" = alloca i64
  %"n" = alloca i64
  %"acc1" = alloca <16 x i32>
  %"k" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"m"
  br label %"m.head"
m.head:
  %".7" = load i64, i64* %"m"
  %".8" = icmp slt i64 %".7", 64
  br i1 %".8", label %"m.body", label %"m.done"
m.body:
  store i64 0, i64* %"n"
  br label %"n.head"
m.done:
  ret void
n.head:
  %".12" = load i64, i64* %"n"
  %".13" = icmp slt i64 %".12", 64
  br i1 %".13", label %"n.body", label %"n.done"
n.body:
  %".15" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 0, i32 0
  %".16" = shufflevector <16 x i32> %".15", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <16 x i32> %".16", <16 x i32>* %"acc1"
  store i64 0, i64* %"k"
  br label %"k.head"
n.done:
  %".57" = load i64, i64* %"m"
  %".58" = add nsw nuw i64 %".57", 1
  store i64 %".58", i64* %"m"
  br label %"m.head"
k.head:
  %".20" = load i64, i64* %"k"
  %".21" = icmp slt i64 %".20", 64
  br i1 %".21", label %"k.body", label %"k.done"
k.body:
  %".23" = load <16 x i32>, <16 x i32>* %"acc1"
  %".24" = load i64, i64* %"k"
  %".25" = load i64, i64* %"m"
  %".26" = mul i64 %".25", 64
  %".27" = add i64 %".24", %".26"
  %".28" = getelementptr inbounds i8, ptr %"a", i64 %".27"
  %".29" = load i8, ptr %".28", align 1
  %".30" = sext i8 %".29" to i32
  %".31" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 %".30", i32 0
  %".32" = shufflevector <16 x i32> %".31", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".33" = mul i64 %".24", 64
  %".34" = load i64, i64* %"n"
  %".35" = add i64 %".33", %".34"
  %".36" = getelementptr inbounds i8, ptr %"b", i64 %".35"
  %".37" = load <16 x i8>, ptr %".36", align 1
  %".38" = sext <16 x i8> %".37" to <16 x i32>
  %".39" = mul <16 x i32> %".32", %".38"
  %".40" = add <16 x i32> %".23", %".39"
  store <16 x i32> %".40", <16 x i32>* %"acc1"
  %".42" = load i64, i64* %"k"
  %".43" = add nsw nuw i64 %".42", 1
  store i64 %".43", i64* %"k"
  br label %"k.head"
k.done:
  %".46" = load <16 x i32>, <16 x i32>* %"acc1"
  %".47" = load i64, i64* %"m"
  %".48" = mul i64 %".47", 64
  %".49" = load i64, i64* %"n"
  %".50" = add i64 %".48", %".49"
  %".51" = getelementptr inbounds i32, ptr %"c", i64 %".50"
  store <16 x i32> %".46", ptr %".51", align 4
  %".53" = load i64, i64* %"n"
  %".54" = add nsw nuw i64 %".53", 16
  store i64 %".54", i64* %"n"
  br label %"n.head"
}
