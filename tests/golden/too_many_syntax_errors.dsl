// E0103: after 20 syntax errors the rest are counted in one summary diagnostic, reported
// at the end of the file (this file deliberately has no final newline).
state machine "many-errors" {
  initial: DRAFT
  states: [DRAFT, DONE]
  version: "1"  // expect: error[E0103] unexpected `"1"`
  version: "2"  // expect: error[E0103] unexpected `"2"`
  version: "3"  // expect: error[E0103] unexpected `"3"`
  version: "4"  // expect: error[E0103] unexpected `"4"`
  version: "5"  // expect: error[E0103] unexpected `"5"`
  version: "6"  // expect: error[E0103] unexpected `"6"`
  version: "7"  // expect: error[E0103] unexpected `"7"`
  version: "8"  // expect: error[E0103] unexpected `"8"`
  version: "9"  // expect: error[E0103] unexpected `"9"`
  version: "10"  // expect: error[E0103] unexpected `"10"`
  version: "11"  // expect: error[E0103] unexpected `"11"`
  version: "12"  // expect: error[E0103] unexpected `"12"`
  version: "13"  // expect: error[E0103] unexpected `"13"`
  version: "14"  // expect: error[E0103] unexpected `"14"`
  version: "15"  // expect: error[E0103] unexpected `"15"`
  version: "16"  // expect: error[E0103] unexpected `"16"`
  version: "17"  // expect: error[E0103] unexpected `"17"`
  version: "18"  // expect: error[E0103] unexpected `"18"`
  version: "19"  // expect: error[E0103] unexpected `"19"`
  version: "20"  // expect: error[E0103] unexpected `"20"`
  version: "21"  // not shown: counted below
  version: "22"  // not shown: counted below
  transitions { DRAFT → DONE on "finish" }
}  // expect: error[E0103] 2 more syntax errors not shown