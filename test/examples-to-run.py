#! /usr/bin/env python3
# Examples that the ns-3 tree's test.py runs (with the module in contrib/): a list of
# (example with arguments, condition to run it, condition to run it under valgrind). test.py
# runs each in its output folder, so relative --output paths land there; each run gets its own.

cpp_examples = [
    ("dl-minimal", "True", "False"),
    ("dl-own-algorithm --workers=4", "True", "False"),
    ("dl-custom-network --network=csma --output=dl-custom-network-csma.csv", "True", "False"),
    ("dl-custom-network --network=p2p --output=dl-custom-network-p2p.csv", "True", "False"),
    ("dl-custom-network --network=wifi --output=dl-custom-network-wifi.csv", "True", "False"),
    ("dl-two-jobs", "True", "False"),
    (
        "dl-colocation --workers=4 --webHosts=4 --hostsPerLeaf=4 --spines=2 --trainSubset=2048"
        " --epochs=0.25 --testSubset=200 --webDuration=20ms --output=dl-colocation",
        "True",
        "False",
    ),
    (
        "dl-train --dataset=synthetic --trainSubset=512 --testSubset=256 --workers=4 --epochs=1"
        " --output=dl-train.csv --progress=false",
        "True",
        "False",
    ),
]

python_examples = []
