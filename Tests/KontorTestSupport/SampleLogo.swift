import Foundation

/// A small JPEG (the name of the test merchant, as a picture) for tests of the tenant logo.
public enum SampleLogo {
    public static let base64 =
        """
        /9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYn
        KSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo
        KCgoKCgoKCj/wAARCAAkAXIDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF
        BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW
        V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi
        4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC
        AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm
        Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq
        8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD6poorI8Xa9b+GPDt5rF5FLLb2oUskWNxywXjJA6mmk27ITdldmvRXGQfEXRG8BxeK7oy2
        thLvWOKUDzXZWZdqgHBJKnv05OOa0fA/idfFuk/2lBpt7ZWjHETXQUGUd2UAnj371TpySbaEpxbsmdFRRRUFBRRXM+J/G2k+G9Z0
        vTNS+0fadRYJB5ce5clgvJzxyRTjFydkJtLVnTUUUUhhRRRQAUVxfj/4g2Xgu5tIb3T9Qu2uUZ1NqisFwQOcketcjH8fdCkZlj0b
        WmZeoWOMkf8Aj1axoVJK6RnKrCLs2exUVmeGdYi1/QrPVLeGaCK5TescwAdeSOQPpWnWbVnZlp31QUUVl+J9cs/DehXWral5n2S2
        Cl/LXc3zMFGB9SKEm3ZA3bVmpRWb4c1m18Q6Ja6rp/mfZblS0fmLtbAJHI+oqfV76PTNKvb+ZWeK1ged1TqQqliB78UWd7BdWuW6
        K4L4f/FHRvG2pz2Fhb3dtcxRecFuAo3rkA4wT0yKq+N/i7ofhHX5NJu7a9urmNFaQ24QqhYZCnLDnGD+Iq/Yz5uW2pHtYW5r6Ho9
        FAOQD60VmaBRRRQAUUVw/wAPPH6eMtT1uzTTmtDpjqhczb/MyzjOMDH3PfrVKLabXQlySaT6ncUUUVJQUUUUAFFc3438ZaV4Ms7a
        61nz/KnkMaeTHvOQM88iuiicSxJIv3WAYZ9DTcWlcV03YdRVbVNQtNK0+e+1GdLe0gXfJK5wFH+e1eWN8ctKnnkGlaHrV/bxnDTR
        QjH1xk/riqhTlP4UTKpGO7PXKKwfBXimx8YaL/aemJcRwiRomSdArqwxkEAkdx3reqWnF2ZSaaugoorh/if4/TwJHpjyac179td0
        AWby9m3bz0OfvU4xc3yx3FKSirs7iiiuN8Y/EDTvC3iDS9IvbW7mn1AqI3hC7Vy+3nJB60Ri5OyHKSirs7Kiua8f+L7PwTosep6j
        BcTwvOsAWAKWyVY55I4+U1saJqMer6NYalAjpDeW8dwivjcFdQwBx35o5Xbm6BzK9updoooqRhRRRQAVwnxz/wCSVa9/uRf+jUru
        6wvHXh//AISrwpf6L9p+y/ago87y/M24dW+7kZ+7jrV02ozTfcmabi0j5T8GS2rav4ai8dG6/wCEZUSG0HSHJkbJP+zvzu79O1fR
        3xd8Qz+GPh1cXuhskcr+XBbyRgFY1b+Je33en4VFafDDTT8Obbwnqs321bcyNFeLF5bxuzswZRk4xux15qLQPhtLa+D73wvr2ttq
        2kTKBCv2bypLYg5BVt7cAgEAj9OK6qlWnUkpPo9u6OaFOcIuK6o8v1Dwrf6Z8LLfxzB4m1c60ViuXzcHYVdwoUd8jcM5JBwRip/i
        l4q1PVfhT4N1cXM1td3MkizNA5j3suVJ49Suce9dL/wpnVpdPi0W68Z3Unh6KTetoLfBxnOM7iO/uM84rpPHfwvtfEnhrRtE0++/
        sy10w/u/3Hnbhtxz8y89896r21PmTbvr26C9lOzsrafieX/EvTtZ8BXnhzxBH4i1K81O6Ytc+bJ8m5QpKqo42HJG09ql+Ofh9V+J
        2gt9uvD/AGtMgYF/+Pf50T936ev1r1P4n/Dz/hOrPS7f+0/sP2Fmbd9n83fkAf3lx096f8TPh5F42fTriPUptNv7BiYp449/Ug9M
        g5BUEEH1pQrxTi29db/oOVF+8ku1v1OG+KD33wz8ARabomr6lPNqV6xe8uZd0sabBlVYYxnaPzNYXjrw3qPw58PaL4l0fxJqkmoS
        zJHcLLNujdmQvkDuvykYbOc16he/Dlta8EtoXifW7nVLlZzPDqBj2PE2MAYJOR14zznt1rmx8HNR1FrC18T+LrrUtIsSPKtVh2Eg
        cY3FjjjjPJx0IohVglq/XTcJ05N6L08jnvi9rWrX+v8AgKbSbyaxuNStoZVVJCEV3dSNw6EAnvXq/gLwYfCb6hJJrF9qk195Zke7
        OSGXdkj67v0qh4x+HSeIfEvh3VYdQFlHo7IVt1t94cK4YAHcNvTHQ13tY1KqcFGPzNYU2puUgrwH4Bf8lM8Z/WT/ANHGvfq4DwD8
        Ov8AhEvE2s6v/an2v+0Sx8r7P5fl5fd13HPp0FTTmowkn1HOLcotdDgPjZ4mvpviBYeGvtGqQaOkaSXEemDM85bJOBkZ4AGDwOTz
        Vb4falqmj/EeztdEt/FDeGLzEcsWrwNmJiD8wIyBg4OeOCQfWvS/iD8OovFOp2WsWGozaTrlmAI7qJdwIBJAIyOhJ5z3Oc0nh3wf
        4lttctNR8Q+MrrUo7bcVtI7cQxuSpXLYPzYznp1FbqrD2fL5GTpz57+Z5F4v+1W3jvXZvH6eKzp3nMbGbTHxEkW47SN3y427eh65
        zk1r+LbLS9X+B0moaPr+rX9tpsxx9pf52LyRjy5R32ggjHHINd1rXgjxdcXeo/2b46uILC9lkf7NLaiTylck7FYtnABwMYq1ofww
        07TPh5f+FXuppo75jJPc7Qp8z5cMq84A2Lxk9Pen7aKUXfa2wvZSu1be5z/wI8IJbaDpHiIarqTvNBIPsby5gXLEcLj2z+NeieOf
        +RJ8Qf8AYPuP/RbVzXw58Ban4OuQkvii41HS0iaOKxeDYkZLA7gd59+3euz1yw/tXRNQ0/zPK+128kHmbd2zepXOMjOM9M1hVmpV
        Oa90bU4tQtax8peDI5/DfhvSPHdjGztY6rJa3iKfvwsiY/m4z6svpVHxlp1zP4Vs/FeqA/b9e1CeYZ/hiUDAHoMlvwC19JeAPh/a
        +F/CVzoGoTQ6xa3Fw07ia2CochAFKEsDgoDmq3xL+G8PjPS9KsLW9j0mDTy3lpHbB12kABQAy7QMV1LFR9p+vkc7w8uT9PM4j49e
        J9Rh8TaJ4btbi/trCeJJ7n7AMzzBnZdq8jOAhwM4JPPSsTwpqOpaF8QNKXwxbeLW0C6kjgvINXgJALNtLjGQMAg54PB7V6z8RPh7
        beMGsbuK9m03V7E5t7yJdxGDkAjI6HkYIxVXRfBnilNWsrvXvG91fW9rIJBaxW4hWTHQOQeR7EVnGrBU0i5U5udzzrxHFrOt/tBa
        loen61eadbzRoHaKQ/JH9mRm2jOAT0z75p/xKGqeDrTw/wCCtD1m8WPUJ2eW9kfEpDuFClh2BJJx14/H0qD4f+V8VLjxn/aefNQJ
        9j8jp+6WPO/d/s5+73qx8SvAFh46sLeO5nktL21Ja3uY13Fc4yCOMjgdx069aFWjzRT2S/EHSlaT63/Aq+DPhxD4V1aK+tdd1e6P
        lsk0NzKGjkJ/iAAGMH1zXjvwu8L3HivxF4vsxq97ptis26YWjBWlbfJsBP8AdHzEjvxXsXgzwh4k0jVorrXfF9zq1tDG0aWzRFVJ
        P8THccke+evWnfDn4f8A/CGaprl5/af23+03V9nkeX5eGc4zuOfv+3SpVXlUveu9B+z5nHSyOF+AniC5/wCEb8WWmt6lKbLSsOs8
        jFjCpWTdjvgbMgetcHqz6dNoV3qfhw+Pbia3PGqzuPIDAjO4ryB+ORkV7P4O+FkGg6d4nsbvU2vrfXECPtg8oxAb+h3Nk/P+lYdl
        8HNUi0C70GXxjcf2LIS8dtHagDeTkFvmyRkZ2ggE81qqtNTck+xDpzcVFox/EfiTU9T/AGddP1Se8mXUDcLE88blWfbIygkjuQBn
        1Nc74t0XV9M+Gvh/xe/iXVZdSk8lVTziEijZCUC45yABk9yTXqk3wt834XweDv7Yx5U5m+1/Zevzs2Nm/wD2sfeq94m+Hn9t/DrS
        /Cv9qeR9iWEfavs+7f5alfubhjOfU1Ma0IvTa7+4cqU5LXt+J5P8eLZ7/wAKeE/E1xd3DXF/awrJb7v3QJi3lgvYktj6V7P8PPCC
        eFrW4ePVdS1D7YkRIvJd4j2hvu8cZ3c/QVQ8VfDi28R+BdI8PXF9JFJpscSRXaR5yUj2ElM9COcZ9Oa1fAfhzVPDlncQat4huNb3
        lfKaaLZ5SgEYHzNnPH5VnOqpUuVMuFNqpzNHFftOSXCeALVYSwhkv41mx3GxyAfbIH4gVp6LeXXh74QaDdeDtJh1KT7NFJLF5gjH
        KFpHJ7ncOR/hXc+ItFsfEOjXOl6rD5tpcLhhnBB6gg9iDgivKrb4Qa7pUU1loPjm9tNKlJzbtETtB69HAz7gDNEJwcFCTtZ/eE4y
        U3JLdEUHjq58XfCHxfqa2kem3EGUBtnILHCndng57fhXBSaTqsvwbg8XT+I9VNzbT7LeATkIiGXaTnru3EnOemBXsOi/C220jwBq
        /hq21OZ21LmS5kiBCnAHCAjjjpupx+GefhUPBn9rdH3/AGz7N/018zGzf+H3vetFWpxfu7X/AAIdOcvi7fieSeL7XW4fh9ofjq58
        SanJrF1MiBFk2Rxph9u0DofkBPrk/jsftC3suoeEfA99LgTXERmbHA3NHGT+pr0PX/hn/a/w40rwp/a3k/YXR/tX2bdv2hh9zeMf
        e9T0pnjn4XjxV4f8O6WdX+yjSIhEZPs2/wA75FXON42/d9T1pxrQ5otvZv7ugnSnytLql95538UdI1b4dzaP4ksPEupXmozzbbn7
        RJlJGxu4UYGw4I2nPaj4+3Fxc+NPB1xYKoupYI5IVfoHMgKg/jiuuu/g7c6pq9kde8U3upaLZH9xZzJ84Xj5C+fYAtjJA7Vv+O/h
        yPFfifRNXXUxZjTdmIRb7/M2vu67hj06GiNaCcW3e1+gOlJppLseS/GN/iA3hWAeMYtNTTvtabDbEbvM2vjoemN1e8/Dv/kQPDP/
        AGDLb/0UtUfif4M/4Tnw9Fpf2/7D5dytx5vk+bnCsMY3L/e657VveHdN/sbw/pmmeb532K1itvM27d+xAu7GTjOM4yawqVVOml1u
        awpuM2+hoUUUVzm4UUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUU
        AFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAFFFFABRRRQAUUUUAf/Z
        """.replacingOccurrences(of: "\n", with: "")
}
