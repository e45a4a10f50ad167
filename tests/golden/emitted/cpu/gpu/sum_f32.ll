; ModuleID = "sum_f32"
target triple = "<host>"
target datalayout = "<host>"

define void @"sum_f32"(ptr noalias %"x", ptr noalias %"out")
{
entry:
  %"acc1" = alloca <16 x float>
  %"i" = alloca i64
  br label %"body"
body:
  %".4" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float 0x8000000000000000, i32 0
  %".5" = shufflevector <16 x float> %".4", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <16 x float> %".5", <16 x float>* %"acc1"
  store i64 0, i64* %"i"
  br label %"i.head"
i.head:
  %".9" = load i64, i64* %"i"
  %".10" = icmp slt i64 %".9", 67108864
  br i1 %".10", label %"i.body", label %"i.done"
i.body:
  %".12" = load <16 x float>, <16 x float>* %"acc1"
  %".13" = load i64, i64* %"i"
  %".14" = getelementptr inbounds float, ptr %"x", i64 %".13"
  %".15" = load <16 x float>, ptr %".14", align 4
  %".16" = fadd <16 x float> %".12", %".15"
  store <16 x float> %".16", <16 x float>* %"acc1"
  %".18" = load i64, i64* %"i"
  %".19" = add nsw nuw i64 %".18", 16
  store i64 %".19", i64* %"i"
  br label %"i.head"
i.done:
  %".22" = load <16 x float>, <16 x float>* %"acc1"
  %".23" = extractelement <16 x float> %".22", i32 0
  %".24" = extractelement <16 x float> %".22", i32 1
  %".25" = fadd float %".23", %".24"
  %".26" = extractelement <16 x float> %".22", i32 2
  %".27" = fadd float %".25", %".26"
  %".28" = extractelement <16 x float> %".22", i32 3
  %".29" = fadd float %".27", %".28"
  %".30" = extractelement <16 x float> %".22", i32 4
  %".31" = fadd float %".29", %".30"
  %".32" = extractelement <16 x float> %".22", i32 5
  %".33" = fadd float %".31", %".32"
  %".34" = extractelement <16 x float> %".22", i32 6
  %".35" = fadd float %".33", %".34"
  %".36" = extractelement <16 x float> %".22", i32 7
  %".37" = fadd float %".35", %".36"
  %".38" = extractelement <16 x float> %".22", i32 8
  %".39" = fadd float %".37", %".38"
  %".40" = extractelement <16 x float> %".22", i32 9
  %".41" = fadd float %".39", %".40"
  %".42" = extractelement <16 x float> %".22", i32 10
  %".43" = fadd float %".41", %".42"
  %".44" = extractelement <16 x float> %".22", i32 11
  %".45" = fadd float %".43", %".44"
  %".46" = extractelement <16 x float> %".22", i32 12
  %".47" = fadd float %".45", %".46"
  %".48" = extractelement <16 x float> %".22", i32 13
  %".49" = fadd float %".47", %".48"
  %".50" = extractelement <16 x float> %".22", i32 14
  %".51" = fadd float %".49", %".50"
  %".52" = extractelement <16 x float> %".22", i32 15
  %".53" = fadd float %".51", %".52"
  %".54" = getelementptr inbounds float, ptr %"out", i64 0
  store float %".53", ptr %".54", align 4
  ret void
}
