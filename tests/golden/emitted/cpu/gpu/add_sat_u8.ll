; ModuleID = "add_sat_u8"
target triple = "<host>"
target datalayout = "<host>"

define void @"add_sat_u8"(ptr noalias %"a", ptr noalias %"b", ptr noalias %"out")
{
entry:
  %"i" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".7" = load i64, i64* %"i"
  %".8" = icmp slt i64 %".7", 268435456
  br i1 %".8", label %"i.body", label %"i.done"
i.body:
  %".10" = load i64, i64* %"i"
  %".11" = getelementptr inbounds i8, ptr %"a", i64 %".10"
  %".12" = load <64 x i8>, ptr %".11", align 1
  %".13" = getelementptr inbounds i8, ptr %"b", i64 %".10"
  %".14" = load <64 x i8>, ptr %".13", align 1
  %".15" = call <64 x i8> @"llvm.uadd.sat.v64i8"(<64 x i8> %".12", <64 x i8> %".14")
  %".16" = getelementptr inbounds i8, ptr %"out", i64 %".10"
  store <64 x i8> %".15", ptr %".16", align 1
  %".18" = load i64, i64* %"i"
  %".19" = add nsw nuw i64 %".18", 64
  store i64 %".19", i64* %"i"
  br label %"i.head"
i.done:
  ret void
}

declare <64 x i8> @"llvm.uadd.sat.v64i8"(<64 x i8> %".1", <64 x i8> %".2")
