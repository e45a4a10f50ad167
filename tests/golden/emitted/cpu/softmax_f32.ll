; ModuleID = "softmax_f32"
target triple = "<host>"
target datalayout = "<host>"

define void @"softmax_f32"(ptr noalias %"x", ptr noalias %"out", ptr noalias %"m", ptr noalias %"s")
{
entry:
  %"r" = alloca i64
  %"acc1" = alloca float
  %"j" = alloca i64
  %"r.1" = alloca i64
  %"acc2" = alloca <16 x float>
  %"j.1" = alloca i64
  %"r.2" = alloca i64
  %"i" = alloca i64
  br label %"body"
body:
  store i64 0, i64* %"r"
  br label %"r.head"
r.head:
  %".8" = load i64, i64* %"r"
  %".9" = icmp slt i64 %".8", 64
  br i1 %".9", label %"r.body", label %"r.done"
r.body:
  %".11" = load i64, i64* %"r"
  %".12" = mul i64 %".11", 1024
  %".13" = getelementptr inbounds float, ptr %"x", i64 %".12"
  %".14" = load float, ptr %".13", align 4
  store float %".14", float* %"acc1"
  store i64 0, i64* %"j"
  br label %"j.head"
r.done:
  store i64 0, i64* %"r.1"
  br label %"r.head.1"
j.head:
  %".18" = load i64, i64* %"j"
  %".19" = icmp slt i64 %".18", 1024
  br i1 %".19", label %"j.body", label %"j.done"
j.body:
  %".21" = load float, float* %"acc1"
  %".22" = load i64, i64* %"j"
  %".23" = add i64 %".22", %".12"
  %".24" = getelementptr inbounds float, ptr %"x", i64 %".23"
  %".25" = load float, ptr %".24", align 4
  %".26" = fcmp olt float %".21", %".25"
  %".27" = select  i1 %".26", float %".25", float %".21"
  store float %".27", float* %"acc1"
  %".29" = load i64, i64* %"j"
  %".30" = add nsw nuw i64 %".29", 1
  store i64 %".30", i64* %"j"
  br label %"j.head"
j.done:
  %".33" = load float, float* %"acc1"
  %".34" = getelementptr inbounds float, ptr %"m", i64 %".11"
  store float %".33", ptr %".34", align 4
  %".36" = load i64, i64* %"r"
  %".37" = add nsw nuw i64 %".36", 1
  store i64 %".37", i64* %"r"
  br label %"r.head"
r.head.1:
  %".42" = load i64, i64* %"r.1"
  %".43" = icmp slt i64 %".42", 64
  br i1 %".43", label %"r.body.1", label %"r.done.1"
r.body.1:
  %".45" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float 0x8000000000000000, i32 0
  %".46" = shufflevector <16 x float> %".45", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  store <16 x float> %".46", <16 x float>* %"acc2"
  store i64 0, i64* %"j.1"
  br label %"j.head.1"
r.done.1:
  store i64 0, i64* %"r.2"
  br label %"r.head.2"
j.head.1:
  %".50" = load i64, i64* %"j.1"
  %".51" = icmp slt i64 %".50", 1024
  br i1 %".51", label %"j.body.1", label %"j.done.1"
j.body.1:
  %".53" = load <16 x float>, <16 x float>* %"acc2"
  %".54" = load i64, i64* %"j.1"
  %".55" = load i64, i64* %"r.1"
  %".56" = mul i64 %".55", 1024
  %".57" = add i64 %".54", %".56"
  %".58" = getelementptr inbounds float, ptr %"x", i64 %".57"
  %".59" = load <16 x float>, ptr %".58", align 4
  %".60" = getelementptr inbounds float, ptr %"m", i64 %".55"
  %".61" = load float, ptr %".60", align 4
  %".62" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float %".61", i32 0
  %".63" = shufflevector <16 x float> %".62", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".64" = fsub <16 x float> %".59", %".63"
  %".65" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float 0x3ff7154760000000, i32 0
  %".66" = shufflevector <16 x float> %".65", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".67" = fmul <16 x float> %".64", %".66"
  %".68" = call <16 x float> @"llvm.exp2.v16f32"(<16 x float> %".67")
  %".69" = fadd <16 x float> %".53", %".68"
  store <16 x float> %".69", <16 x float>* %"acc2"
  %".71" = load i64, i64* %"j.1"
  %".72" = add nsw nuw i64 %".71", 16
  store i64 %".72", i64* %"j.1"
  br label %"j.head.1"
j.done.1:
  %".75" = load <16 x float>, <16 x float>* %"acc2"
  %".76" = extractelement <16 x float> %".75", i32 0
  %".77" = extractelement <16 x float> %".75", i32 1
  %".78" = fadd float %".76", %".77"
  %".79" = extractelement <16 x float> %".75", i32 2
  %".80" = fadd float %".78", %".79"
  %".81" = extractelement <16 x float> %".75", i32 3
  %".82" = fadd float %".80", %".81"
  %".83" = extractelement <16 x float> %".75", i32 4
  %".84" = fadd float %".82", %".83"
  %".85" = extractelement <16 x float> %".75", i32 5
  %".86" = fadd float %".84", %".85"
  %".87" = extractelement <16 x float> %".75", i32 6
  %".88" = fadd float %".86", %".87"
  %".89" = extractelement <16 x float> %".75", i32 7
  %".90" = fadd float %".88", %".89"
  %".91" = extractelement <16 x float> %".75", i32 8
  %".92" = fadd float %".90", %".91"
  %".93" = extractelement <16 x float> %".75", i32 9
  %".94" = fadd float %".92", %".93"
  %".95" = extractelement <16 x float> %".75", i32 10
  %".96" = fadd float %".94", %".95"
  %".97" = extractelement <16 x float> %".75", i32 11
  %".98" = fadd float %".96", %".97"
  %".99" = extractelement <16 x float> %".75", i32 12
  %".100" = fadd float %".98", %".99"
  %".101" = extractelement <16 x float> %".75", i32 13
  %".102" = fadd float %".100", %".101"
  %".103" = extractelement <16 x float> %".75", i32 14
  %".104" = fadd float %".102", %".103"
  %".105" = extractelement <16 x float> %".75", i32 15
  %".106" = fadd float %".104", %".105"
  %".107" = load i64, i64* %"r.1"
  %".108" = getelementptr inbounds float, ptr %"s", i64 %".107"
  store float %".106", ptr %".108", align 4
  %".110" = load i64, i64* %"r.1"
  %".111" = add nsw nuw i64 %".110", 1
  store i64 %".111", i64* %"r.1"
  br label %"r.head.1"
r.head.2:
  %".116" = load i64, i64* %"r.2"
  %".117" = icmp slt i64 %".116", 64
  br i1 %".117", label %"r.body.2", label %"r.done.2"
r.body.2:
  store i64 0, i64* %"i"
  br label %"i.head"
r.done.2:
  ret void
i.head:
  %".121" = load i64, i64* %"i"
  %".122" = icmp slt i64 %".121", 1024
  br i1 %".122", label %"i.body", label %"i.done"
i.body:
  %".124" = load i64, i64* %"i"
  %".125" = load i64, i64* %"r.2"
  %".126" = mul i64 %".125", 1024
  %".127" = add i64 %".124", %".126"
  %".128" = getelementptr inbounds float, ptr %"x", i64 %".127"
  %".129" = load <16 x float>, ptr %".128", align 4
  %".130" = getelementptr inbounds float, ptr %"m", i64 %".125"
  %".131" = load float, ptr %".130", align 4
  %".132" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float %".131", i32 0
  %".133" = shufflevector <16 x float> %".132", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".134" = fsub <16 x float> %".129", %".133"
  %".135" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float 0x3ff7154760000000, i32 0
  %".136" = shufflevector <16 x float> %".135", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".137" = fmul <16 x float> %".134", %".136"
  %".138" = call <16 x float> @"llvm.exp2.v16f32"(<16 x float> %".137")
  %".139" = getelementptr inbounds float, ptr %"s", i64 %".125"
  %".140" = load float, ptr %".139", align 4
  %".141" = insertelement <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, float %".140", i32 0
  %".142" = shufflevector <16 x float> %".141", <16 x float> <float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef, float undef>, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %".143" = fdiv <16 x float> %".138", %".142"
  %".144" = getelementptr inbounds float, ptr %"out", i64 %".127"
  store <16 x float> %".143", ptr %".144", align 4
  %".146" = load i64, i64* %"i"
  %".147" = add nsw nuw i64 %".146", 16
  store i64 %".147", i64* %"i"
  br label %"i.head"
i.done:
  %".150" = load i64, i64* %"r.2"
  %".151" = add nsw nuw i64 %".150", 1
  store i64 %".151", i64* %"r.2"
  br label %"r.head.2"
}

declare <16 x float> @"llvm.exp2.v16f32"(<16 x float> %".1")
