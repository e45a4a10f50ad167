; ModuleID = "conv3x3_u8"
target triple = "<host>"
target datalayout = "<host>"

define void @"conv3x3_u8"(ptr noalias %"inp", ptr noalias %"w", ptr noalias %"out")
{
entry:
  %"y" = alloca i64
  %"x" = alloca i64
  %"acc1" = alloca <16 x i32>
  %"ky" = alloca i64
  %"kx" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"y"
  br label %"y.head"
y.head:
  %".7" = load i64, i64* %"y"
  %".8" = icmp slt i64 %".7", 4096
  br i1 %".8", label %"y.body", label %"y.done"
y.body:
  store i64 0, i64* %"x"
  br label %"x.head"
y.done:
  ret void
x.head:
  %".12" = load i64, i64* %"x"
  %".13" = icmp slt i64 %".12", 4096
  br i1 %".13", label %"x.body", label %"x.done"
x.body:
  %".15" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 0, i32 0
  %".16" = shufflevector <16 x i32> %".15", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <16 x i32> %".16", <16 x i32>* %"acc1"
  store i64 0, i64* %"ky"
  br label %"ky.head"
x.done:
  %".69" = load i64, i64* %"y"
  %".70" = add nsw nuw i64 %".69", 1
  store i64 %".70", i64* %"y"
  br label %"y.head"
ky.head:
  %".20" = load i64, i64* %"ky"
  %".21" = icmp slt i64 %".20", 3
  br i1 %".21", label %"ky.body", label %"ky.done"
ky.body:
  store i64 0, i64* %"kx"
  br label %"kx.head"
ky.done:
  %".58" = load <16 x i32>, <16 x i32>* %"acc1"
  %".59" = load i64, i64* %"x"
  %".60" = load i64, i64* %"y"
  %".61" = mul i64 %".60", 4096
  %".62" = add i64 %".59", %".61"
  %".63" = getelementptr inbounds i32, ptr %"out", i64 %".62"
  store <16 x i32> %".58", ptr %".63", align 4
  %".65" = load i64, i64* %"x"
  %".66" = add nsw nuw i64 %".65", 16
  store i64 %".66", i64* %"x"
  br label %"x.head"
kx.head:
  %".25" = load i64, i64* %"kx"
  %".26" = icmp slt i64 %".25", 3
  br i1 %".26", label %"kx.body", label %"kx.done"
kx.body:
  %".28" = load <16 x i32>, <16 x i32>* %"acc1"
  %".29" = load i64, i64* %"ky"
  %".30" = load i64, i64* %"y"
  %".31" = add i64 %".29", %".30"
  %".32" = mul i64 %".31", 4098
  %".33" = load i64, i64* %"kx"
  %".34" = load i64, i64* %"x"
  %".35" = add i64 %".33", %".34"
  %".36" = add i64 %".32", %".35"
  %".37" = getelementptr inbounds i8, ptr %"inp", i64 %".36"
  %".38" = load <16 x i8>, ptr %".37", align 1
  %".39" = zext <16 x i8> %".38" to <16 x i32>
  %".40" = mul i64 %".29", 3
  %".41" = add i64 %".33", %".40"
  %".42" = getelementptr inbounds i8, ptr %"w", i64 %".41"
  %".43" = load i8, ptr %".42", align 1
  %".44" = sext i8 %".43" to i32
  %".45" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 %".44", i32 0
  %".46" = shufflevector <16 x i32> %".45", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".47" = mul <16 x i32> %".39", %".46"
  %".48" = add <16 x i32> %".28", %".47"
  store <16 x i32> %".48", <16 x i32>* %"acc1"
  %".50" = load i64, i64* %"kx"
  %".51" = add nsw nuw i64 %".50", 1
  store i64 %".51", i64* %"kx"
  br label %"kx.head"
kx.done:
  %".54" = load i64, i64* %"ky"
  %".55" = add nsw nuw i64 %".54", 1
  store i64 %".55", i64* %"ky"
  br label %"ky.head"
}
