Create TextGrid: 0, 3.5, "words speaker bells", "bells"
Set interval text: 1, 1, "hello"
Insert boundary: 1, 1.25
Set interval text: 1, 2, "wörld “quoted” ""and"" café"
Insert boundary: 1, 2.5
Insert boundary: 2, 0.75
Set interval text: 2, 1, "Ann"
Set interval text: 2, 2, "Bob"
Insert point: 3, 0.5, "ding"
Insert point: 3, 3.0, "dong ☺"
Save as text file: "long.TextGrid"
Save as short text file: "short.TextGrid"
Save as chronological text file: "chrono.TextGrid"
Save as binary file: "binary.TextGrid"
