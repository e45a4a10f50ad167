; ModuleID = "requant_u8"
target triple = "<host>"
target datalayout = "<host>"

define void @"requant_u8"(ptr noalias %"acc", ptr noalias %"out")
{
entry:
  %"i" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".6" = load i64, i64* %"i"
  %".7" = icmp slt i64 %".6", 8192
  br i1 %".7", label %"i.body", label %"i.done"
i.body:
  %".9" = load i64, i64* %"i"
  %".10" = getelementptr inbounds i32, ptr %"acc", i64 %".9"
  %".11" = load <16 x i32>, ptr %".10", align 4
  %".12" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 77, i32 0
  %".13" = shufflevector <16 x i32> %".12", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".14" = mul <16 x i32> %".11", %".13"
  %".15" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 10, i32 0
  %".16" = shufflevector <16 x i32> %".15", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".17" = ashr <16 x i32> %".14", %".16"
  %".18" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 0, i32 0
  %".19" = shufflevector <16 x i32> %".18", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".20" = call <16 x i32> @"llvm.smax.v16i32"(<16 x i32> %".17", <16 x i32> %".19")
  %".21" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 255, i32 0
  %".22" = shufflevector <16 x i32> %".21", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".23" = call <16 x i32> @"llvm.smin.v16i32"(<16 x i32> %".20", <16 x i32> %".22")
  %".24" = trunc <16 x i32> %".23" to <16 x i8>
  %".25" = getelementptr inbounds i8, ptr %"out", i64 %".9"
  store <16 x i8> %".24", ptr %".25", align 1
  %".27" = load i64, i64* %"i"
  %".28" = add nsw nuw i64 %".27", 16
  store i64 %".28", i64* %"i"
  br label %"i.head"
i.done:
  ret void
}

declare <16 x i32> @"llvm.smax.v16i32"(<16 x i32> %".1", <16 x i32> %".2")

declare <16 x i32> @"llvm.smin.v16i32"(<16 x i32> %".1", <16 x i32> %".2")
