print("fine so far")
if True
    print("never")
