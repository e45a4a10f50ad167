; ModuleID = "matmul_f32"
target triple = "<host>"
target datalayout = "<host>"

define void @"matmul_f32"(ptr noalias %"a", ptr noalias %"b", ptr noalias %"c")
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
  %".55" = load i64, i64* %"m"
  %".56" = add nsw nuw i64 %".55", 1
  store i64 %".56", i64* %"m"
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
  %".28" = getelementptr inbounds float, ptr %"a", i64 %".27"
  %".29" = load float, ptr %".28", align 4
  %".30" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float %".29", i32 0
  %".31" = shufflevector <16 x float> %".30", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".32" = mul i64 %".24", 4096
  %".33" = load i64, i64* %"n"
  %".34" = add i64 %".32", %".33"
  %".35" = getelementptr inbounds float, ptr %"b", i64 %".34"
  %".36" = load <16 x float>, ptr %".35", align 4
  %".37" = fmul <16 x float> %".31", %".36"
  %".38" = fadd <16 x float> %".23", %".37"
  store <16 x float> %".38", <16 x float>* %"acc1"
  %".40" = load i64, i64* %"k"
  %".41" = add nsw nuw i64 %".40", 1
  store i64 %".41", i64* %"k"
  br label %"k.head"
k.done:
  %".44" = load <16 x float>, <16 x float>* %"acc1"
  %".45" = load i64, i64* %"m"
  %".46" = mul i64 %".45", 4096
  %".47" = load i64, i64* %"n"
  %".48" = add i64 %".46", %".47"
  %".49" = getelementptr inbounds float, ptr %"c", i64 %".48"
  store <16 x float> %".44", ptr %".49", align 4
  %".51" = load i64, i64* %"n"
  %".52" = add nsw nuw i64 %".51", 16
  store i64 %".52", i64* %"n"
  br label %"n.head"
}
