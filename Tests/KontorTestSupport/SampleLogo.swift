import Foundation

/// A small JPEG (the name of the test merchant, as a picture) for tests of the tenant logo.
public enum SampleLogo {
    public static let base64 =
        """
        /9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYn
        KSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo
        KCgoKCgoKCj/wAARCAAyAUoDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF
        BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW
        V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi
        4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC
        AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm
        Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq
        8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD6pooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooo
        oAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKK
        KKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAr6jfWum2Ut3qFxFbWsWC8s
        rBVXJwMk+5FQ2ur6dd6V/adtfW0unBWY3KyAx4UkMd3TAwc/SuS+Of8AySrXv9yL/wBGpXgXgy/1DxnZ6F4BW/i0vSo2keZy3zXJ
        MjPgep5wF6ZGTnjHTSoe0hz32f4GFStyS5bH1Po2uaVraSvo+oWt8kRAdreQOFJ6AkVo1xWv3ml/C34eyy6bZL5FqAkMIODLIxwC
        zdz3J9B9K85n8afEqx8KQeMrpNHfRpCrG0EZDqjNtVj3AJIx8xPI4qI0XPWO3mU6qjpLc97orx34ifE+/sPA3hzX/Diwx/2mzB0n
        TfswOV7dGBGfasrxH8QvHXhbUtG1HX7TTY9H1Fsizi+Z40G3IZuofDA9xnt2pxw85f12E68Ue3XN/Z2s0UV1d28MspxGkkgVn7cA
        nmrNfN/xzXX/APhZ2g7ms9pmT+y+vB3p/rP+B+nau68TeNfEngTwO114oj066165uzFaLbbvKCbAdzdCcENwPUU3h3aLi9WCrK7u
        tj1aivCdW8a/ETwbZaXrfiaLS7vSr11VoIV2yRZXcFJwMNgH+8OOa1vih8SdW0HV/DP/AAj0cNzZ6nCk/lPHl5QzDCqexIOO/Wl9
        Xk2kuoe3jZtnsFZWs+ItG0SSJNY1SzsXlBZFuJlQsB1IzWN4CPjFn1CTxqtigfy2tY7TBEf3t6k/989z9av+JfB+g+J5YJdd06O8
        kgUrGWdl2g9fukVnyxjK0np5F3bjeP4kH/CfeEv+hk0n/wACk/xrfsL221Cziu7GeK4tpRuSWJgysPUEV81/B7wloeu+O/FFjqun
        pc2loX8iNnYBMSkDoQeldz488aSeDtU0rwX4Oj06wYxgtc30mIbZWJIGWPsSSc9QACa3nQXNyQ3MoVny80tj2KivGvBnxI1WPx3D
        4Z8R3ukaql0v+j6hpjhkDEEhWxx2IxgEHHUGs6/+IviTU/GmtaXYax4f8P2+nTtBGNT+Uz7WK53EEds9uo69aj6vO9ivbxtc9yub
        iG1gaa6mjhhX70kjBVHbkmi3nhuYVmtpY5oX5V42DKfoRXi3xTm8W3XwfeXUZdHkTf8A6dJasWWWPzU8poz9evSr3wIXxaNB0hrq
        TTT4Y8iTyVTPn53HGeMdc0Ojanz36gqt58tj1u4nitreWe4kWKGJS7u5wFUDJJPoBWdo3iLRtbklTR9Usr54gGdbeZXKg9CcGofH
        P/Ik+IP+wfcf+i2r5j+FF7L4Q1DR/FEshXSby7l0u8PZBtRgT/31u/4AadKiqkG76hUq8kkuh9P6v4o0LRroW2raxYWdwVDiOedU
        bacgHBPTg1sV8afEOa68RS3PjC43LbahfPbWiN2ijUY/QqPqGr3n4s/ES78Mahpeh6Itmup3yq7XF422KBC20E8gdQ3J4AHfNVPD
        Ncqju/0JjXvdvZHqVFeJ+HviVrGm+N9P0HxHqOiaza6gVSO80uQMInY7VBxx1wCCO4Oe1P8AE3xB8WW/xXvvCvh+1s7obUW3SVcb
        WaFXLM2egyx/DFR9Xne3lcr28bX+R7TRXjXivx94p8HaDpmnanBZ3nizUJnCGMZiWPcApwMZJJwPoc+/U+DI/iFDq0R8WTaRcadJ
        GxYWwIkifsDwAfwzUui0uZtf5lKqm7JHReH/ABVoviG5vbfRr5bmayYLOoRl2EkgdQM8qenpW1XzD8Lp/FI8ReL7XwbBZfapZt8t
        xdt8sSq8mAB3Zi3GeODXqHwa8dap4w0XV49Tig/tXTmC71Xar7g23Izwcqc49q0q4fku47KxFOtzWT3Z6dRXgGu+PPGOj2st5J4q
        8HXM8OC+nWz73PPKjjkjuN3auo8QfEe//wCFO2fizSooYL2aRY3jkXeqsHZGx7ZXI9jUvDyVvPQarx18j1eq97fWlgivfXUFsjHC
        tNIEBPoM14PrXxC+Ien+F9I8UzW+lQ6TcbI/J2lnkJBO9v7obaSMHgEfWqX7RF9qeq6H4d1LFumhXcUc8Kc+asroWOe2NpH41UcM
        3JJvcUq6UW0tj6NBBAIOQehFFcj8PF8Wra3H/CXyaa6FIvsn2POQMNu3ZH+7j8a66sJR5XY2i7q4UUUVIwooooAKKKKACiiigDhP
        jn/ySrXv9yL/ANGpXzP4jRLfwb4JubdViuWhuSZUG1yVuW2nI547elFFeng/g+f6HBivj+X6nuvxydpfgxbSSsXkY2rFmOSSRyc+
        tUvExP8Awy/Acn/jytB/5GjoorGn8EP8RrP4peh5/wCNhj4F+BMf89rj/wBDeux/af8A+QN4X/66Sf8AoKUUVuv4kPWRi/gl6RJv
        jr/yUvwH/wBd0/8ARyVJ+1QP+Kf0M9/tT/8AoFFFZUt6XzNKm1T5Ev7RhP8AwqzQ+TzeQZ9/3Elc144A/wCEh+EYxx9msv8A0OOi
        iqo/DH5/kTV+J/I+kKKKK847jwH4Bf8AJTPGf1k/9HGqHxKtoLv9oCzguoYpoXgTdHIgZW/dt1B69KKK9OP8d+hwP+CvU7zw7oGj
        W2uWU1vpOnxTJKCrpbIrKfUEDisn9oHStPFg96LC0F48TFp/JXzGx0y2M0UUL+MvQH/CZxfhh3f9mfxSrMzBNQVVBOdo3W5wPTkk
        /jXsnwT/AOSW6B/1yf8A9GNRRWWI+CX+L9DSj8S9P1Nzxz/yJPiD/sH3H/otq+ctLRW/Zt1csoJTWFKkjocRDI/AkfjRRSw3w/NB
        iN/kw+IyKnwa+H4RQoIlJAGOTyT+ddB8a4Irj4z+GIp4kliktIFdHUMrDzpeCD1ooroj8S/7e/Mxls/+3fyOw0nw7osOq2UsWj6c
        kiTIyutqgKkMMEHHBrCsv+TqdQ/64D/0lSiiolvL/Cy47L1RB8f/AJfiN4LZeG3JyOv+uWvfKKK5a38OHzN6fxzPCv2c/wDkaPHH
        /XeP/wBDlrmvhe7R+Dfis0bFWFsMFTgj5Z6KK6pbz/7d/QwjtH5jvB+kabN+z/4h1CbT7OS/jeQJctCpkXGzGGxkdTTr3/k16w/6
        /T/6OeiitZ7r/EjOGz9Db+Jf/Ju3hj/cs/8A0UazvjP/AMkd8A/9cIP/AEnFFFY094/4maT2l6I+hbD/AI8bf/rmv8qnoorzmdyP
        /9k=
        """.replacingOccurrences(of: "\n", with: "")
}
