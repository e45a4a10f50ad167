; ModuleID = "dot_i8"
target triple = "<host>"
target datalayout = "<host>"

define void @"dot_i8"(ptr noalias %"a", ptr noalias %"b", ptr noalias %"out")
{
entry:
  %"acc1" = alloca <16 x i32>
  %"i" = alloca i64
  br label %"body"
body:
  %".5" = insertelement <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, i32 0, i32 0
  %".6" = shufflevector <16 x i32> %".5", <16 x i32> <i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef, i32 undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <16 x i32> %".6", <16 x i32>* %"acc1"
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".10" = load i64, i64* %"i"
  %".11" = icmp slt i64 %".10", 8192
  br i1 %".11", label %"i.body", label %"i.done"
i.body:
  %".13" = load <16 x i32>, <16 x i32>* %"acc1"
  %".14" = load i64, i64* %"i"
  %".15" = getelementptr inbounds i8, ptr %"a", i64 %".14"
  %".16" = load <16 x i8>, ptr %".15", align 1
  %".17" = sext <16 x i8> %".16" to <16 x i32>
  %".18" = getelementptr inbounds i8, ptr %"b", i64 %".14"
  %".19" = load <16 x i8>, ptr %".18", align 1
  %".20" = sext <16 x i8> %".19" to <16 x i32>
  %".21" = mul <16 x i32> %".17", %".20"
  %".22" = add <16 x i32> %".13", %".21"
  store <16 x i32> %".22", <16 x i32>* %"acc1"
  %".24" = load i64, i64* %"i"
  %".25" = add nsw nuw i64 %".24", 16
  store i64 %".25", i64* %"i"
  br label %"i.head"
i.done:
  %".28" = load <16 x i32>, <16 x i32>* %"acc1"
  %".29" = extractelement <16 x i32> %".28", i32 0
  %".30" = extractelement <16 x i32> %".28", i32 1
  %".31" = add i32 %".29", %".30"
  %".32" = extractelement <16 x i32> %".28", i32 2
  %".33" = add i32 %".31", %".32"
  %".34" = extractelement <16 x i32> %".28", i32 3
  %".35" = add i32 %".33", %".34"
  %".36" = extractelement <16 x i32> %".28", i32 4
  %".37" = add i32 %".35", %".36"
  %".38" = extractelement <16 x i32> %".28", i32 5
  %".39" = add i32 %".37", %".38"
  %".40" = extractelement <16 x i32> %".28", i32 6
  %".41" = add i32 %".39", %".40"
  %".42" = extractelement <16 x i32> %".28", i32 7
  %".43" = add i32 %".41", %".42"
  %".44" = extractelement <16 x i32> %".28", i32 8
  %".45" = add i32 %".43", %".44"
  %".46" = extractelement <16 x i32> %".28", i32 9
  %".47" = add i32 %".45", %".46"
  %".48" = extractelement <16 x i32> %".28", i32 10
  %".49" = add i32 %".47", %".48"
  %".50" = extractelement <16 x i32> %".28", i32 11
  %".51" = add i32 %".49", %".50"
  %".52" = extractelement <16 x i32> %".28", i32 12
  %".53" = add i32 %".51", %".52"
  %".54" = extractelement <16 x i32> %".28", i32 13
  %".55" = add i32 %".53", %".54"
  %".56" = extractelement <16 x i32> %".28", i32 14
  %".57" = add i32 %".55", %".56"
  %".58" = extractelement <16 x i32> %".28", i32 15
  %".59" = add i32 %".57", %".58"
  %".60" = getelementptr inbounds i32, ptr %"out", i64 0
  store i32 %".59", ptr %".60", align 4
  ret void
}
