; ModuleID = "sum3_i16"
target triple = "<host>"
target datalayout = "<host>"

define void @"sum3_i16"(ptr noalias %"x", ptr noalias %"out")
{
entry:
  %"i" = alloca i64
  %"acc1" = alloca <32 x i16>
  %"k" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".6" = load i64, i64* %"i"
  %".7" = icmp slt i64 %".6", 67108864
  br i1 %".7", label %"i.body", label %"i.done"
i.body:
  %".9" = insertelement <32 x i16> <i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef>, i16 0, i32 0
  %".10" = shufflevector <32 x i16> %".9", <32 x i16> <i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef, i16 undef>, <32 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <32 x i16> %".10", <32 x i16>* %"acc1"
  store i64 0, i64* %"k"
  br label %"k.head"
i.done:
  ret void
k.head:
  %".14" = load i64, i64* %"k"
  %".15" = icmp slt i64 %".14", 3
  br i1 %".15", label %"k.body", label %"k.done"
k.body:
  %".17" = load <32 x i16>, <32 x i16>* %"acc1"
  %".18" = load i64, i64* %"i"
  %".19" = load i64, i64* %"k"
  %".20" = add i64 %".18", %".19"
  %".21" = getelementptr inbounds i16, ptr %"x", i64 %".20"
  %".22" = load <32 x i16>, ptr %".21", align 2
  %".23" = add <32 x i16> %".17", %".22"
  store <32 x i16> %".23", <32 x i16>* %"acc1"
  %".25" = load i64, i64* %"k"
  %".26" = add nsw nuw i64 %".25", 1
  store i64 %".26", i64* %"k"
  br label %"k.head"
k.done:
  %".29" = load <32 x i16>, <32 x i16>* %"acc1"
  %".30" = load i64, i64* %"i"
  %".31" = getelementptr inbounds i16, ptr %"out", i64 %".30"
  store <32 x i16> %".29", ptr %".31", align 2
  %".33" = load i64, i64* %"i"
  %".34" = add nsw nuw i64 %".33", 32
  store i64 %".34", i64* %"i"
  br label %"i.head"
}
